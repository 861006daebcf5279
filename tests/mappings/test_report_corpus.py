"""The independent labelled corpus (fixtures/corpus/, see its README): its test splits frozen, and
the reader held to the targets of issue 23 on them.

The corpus was written by engineers who never saw the rules. The rules were tuned on ``dev/``,
``spent/`` to ``spent3/`` and ``dev2/`` to ``dev124/``: figures on them are not evidence. ``test2/``
to ``test56/``, the frozen halves of the blind rounds (the corpus README names each split's round),
are never tuned on, and nobody who changes the rules reads them or their misses: the
``test_frozen_split_reading_*`` tests below are the evidence, each run on every frozen split. Where
a target of issue 23 is not met on a split, its test is a strict expected failure there, and a floor
holds the reader where the shipped rules left it, so that a drop fails the suite. (Whoever tunes the
rules runs the suite with ``-k "not frozen_split_reading"`` and leaves these to a reviewer.)
"""

from __future__ import annotations

import hashlib

import pytest

from .labelled_reports import CORPUS, TEST_SPLITS, Scores, corpus_scores

#: SHA-256 of the frozen test splits, as the corpus README gives them.
FROZEN_SHA256 = {
    ("test2", "reports.yaml"): "85b640a3a67224908732ff1e383c5b0fac538efbb1e2e75ccfe0948c6f3c6cca",
    ("test2", "sentences.yaml"): "8fa2f950dea65f7abb5471f8bf7ef950d409d167baf2df6bb2d63c9a7e93cf4d",
    ("test3", "reports.yaml"): "98e193ad1039915d4e0b62c9cf0fc1095f0b91199e7639e0d43ee21e53f8f925",
    ("test3", "sentences.yaml"): "e9be8a3784cb7f96da0b253308e52cd8a0bc842f15b444ee32650216ea7bf1be",
    ("test4", "reports.yaml"): "0284205ae4bd768ead69344f6f6412a83bc6229f3d9f62ceb3eff956952b3d4b",
    ("test4", "sentences.yaml"): "86196575a878e9ae95b545c1f4f5c80dd2c82c705aaea7e94302a63e1e899d1f",
    ("test5", "reports.yaml"): "051b1f567d4f93d8e99107c4f41ce0ae427e28580b40420a2915012f7bdca0b0",
    ("test5", "sentences.yaml"): "82fc4b47fa040aeff1daae32c7947bd3eb01cb6fa1bd5e064b7ed41da33d16b8",
    ("test6", "reports.yaml"): "468f695a65a1efedfa67158321dde89516be7a4e1c33e2d90ddb5dbbedc62b90",
    ("test6", "sentences.yaml"): "78182fd4018504ea7dce917846a55ff083c242fc567192fe56386b1304959d1f",
    ("test7", "reports.yaml"): "e4071875040303532615909a2575e90970075c99aac58f6c319ee87e05bfbec2",
    ("test7", "sentences.yaml"): "a315fb4d3159926a8c5990186b779f0fde7d74d6b4eca35cdf06e90ba45eb220",
    ("test8", "reports.yaml"): "970c5c65dc051273dc03d1bb7a57187294d3925fca835e4a771a09d909a441a4",
    ("test8", "sentences.yaml"): "ac54617173d52af25e6e1390b96ff2b836c1d04af29182b85646980556a0b0ff",
    ("test9", "reports.yaml"): "33793171b2574d8e39d9491e84b60bf2be3dd2894a9fe4e1e0037728866fb18f",
    ("test9", "sentences.yaml"): "3fe48dcb30296e7a9609cef049ab46a227135892b77e48eeba47042294120f9d",
    ("test10", "reports.yaml"): "3b731d500dc33d7daecaf49e3654489d78927a2501cfba6b349680ac04e05466",
    ("test10", "sentences.yaml"): (
        "591e55bad8ac3c82253051ff0be3999ebe3ebe3a1590e7303ce8ed9ee3a88e2f"
    ),
    ("test11", "reports.yaml"): (
        "d5fc383255dbd935446e37fe938b711dc4977201c7145248b95511ad6b3b8f7c"
    ),
    ("test11", "sentences.yaml"): (
        "a4b52296ab274b4cb68092a9459e62dace153f7fc82cfa64355534075c5ebbdd"
    ),
    ("test12", "reports.yaml"): (
        "5b6496a5c651a433978d4293b37d280d2aa0d9eb289eafa3f8fc7353ee79cd56"
    ),
    ("test12", "sentences.yaml"): (
        "54c7d8608e4c8158051942e0014aac5a1962c53ca0abfa66a107d95059fd569d"
    ),
    ("test13", "reports.yaml"): (
        "7cdbb18788618346a507b0b4e15db4da2381903caf5e8f7f025fb8559dd39f48"
    ),
    ("test13", "sentences.yaml"): (
        "96d0e96f3481110cf3d4692ecbef9a35ba8c6601507de573e4fe598c629491e9"
    ),
    ("test14", "reports.yaml"): (
        "595115635e4b7d352ec6e1e6109c28d3023bf0e77fc85303a60fba15bcec7095"
    ),
    ("test14", "sentences.yaml"): (
        "273e6dadaaa2b9ad8240d415734d1c76e64706f76df051de65c70720c36ac9b6"
    ),
    ("test15", "reports.yaml"): (
        "81305d876b975dc102bcf5dd4aa6cfda94f22173f942d783eceeb1ec720aadba"
    ),
    ("test15", "sentences.yaml"): (
        "14e3537e5dcdebe17510555ce531ee86a21039be3f100fb92da8faf43f214388"
    ),
    ("test16", "reports.yaml"): (
        "4d19c3d9ae47791ab31e75926e1b12fa698f1c72f6d143e33a37d0a3d899ceae"
    ),
    ("test16", "sentences.yaml"): (
        "e052ca11fd9cf80a6e537393057c05372c23a2e795053a2d501e773cdcd1f1b8"
    ),
    ("test17", "reports.yaml"): (
        "cc93ebfe046d53ece880eac5bad8814d37a3b07142bf4dea58c0810e4ed46bd6"
    ),
    ("test17", "sentences.yaml"): (
        "bc60e1b21c1161d2919b8c8ff415def4939b4e982543c20db6b4d143c373e6bc"
    ),
    ("test18", "reports.yaml"): (
        "d966969c2bf2d31a82c1950a3bd67f555b63837325ec46de5bce8a61fdbd48ab"
    ),
    ("test18", "sentences.yaml"): (
        "6ae0b32a18740251e9dbb1d27aa32886d449a38c3ea6859c6e2ed916eb38121a"
    ),
    ("test19", "reports.yaml"): (
        "4410f3b2d2e92c41cd737fd4469bbd6651f4d1786d6213e883cde7a356226b1c"
    ),
    ("test19", "sentences.yaml"): (
        "477c0b295463199646cd371899b1183e64ab51485f6735a72ee658c8f4599fa9"
    ),
    ("test20", "reports.yaml"): (
        "a85596233742a0e8b2148096828e89499aae75013d7c33a2a54c4be7e8cc6cc0"
    ),
    ("test20", "sentences.yaml"): (
        "d12c1936553235e9b14a1648292456bdb7e0c40d810621d23150f3f059708a95"
    ),
    ("test21", "reports.yaml"): (
        "d97302ed69422f85693bee603b6e6df405ae50b1ee094e32041e5a05fa561e0a"
    ),
    ("test21", "sentences.yaml"): (
        "73dc60054de823555959f9e92f5c313be1d131363be04a0a2449529b8e4a0975"
    ),
    ("test22", "reports.yaml"): (
        "756740559d9f676d492c65833ab9b493e9e97d19e30d72db5dc21d70bd6c8640"
    ),
    ("test22", "sentences.yaml"): (
        "a6cb2d807d327b84cdc23f13f004cf7cb6cadae0110483cc703137e492435b28"
    ),
    ("test23", "reports.yaml"): (
        "d25cd1ee0de437cb252016adb7a427171b03ae93775951194374ac8c72e586f7"
    ),
    ("test23", "sentences.yaml"): (
        "2452cbeeccca2c0298f34666f054462f05bf87418e6a675c0c60c557122240d7"
    ),
    ("test24", "reports.yaml"): (
        "532627872786ae7767979eb8a687b480c9f16eae401e2f7c5b3eadbed1c3075e"
    ),
    ("test24", "sentences.yaml"): (
        "579bb26f010fd5c80920f76763b86c3acc64688dcae8b61dd5bbf2531d0927bb"
    ),
    ("test25", "reports.yaml"): (
        "9182fad2aabbf64b4a0dc90f9985282268030d1a72d0f372b1fa5e5f716c3376"
    ),
    ("test25", "sentences.yaml"): (
        "db21e19b670fbaeeeb281b20f5cf37b14eb5ea761dfecad03a67c6c065dacf96"
    ),
    ("test26", "reports.yaml"): (
        "7026c96933c2a1e5a62cdc8c320d14f67cfe6ba2649fb83ab6097b60e6099f13"
    ),
    ("test26", "sentences.yaml"): (
        "dbbbb86833059677ea7565cfcbaeac2f22dfe792bbc106e2f0ca918deb35fc19"
    ),
    ("test27", "reports.yaml"): (
        "b381fc7225e49c633477b07413a3496cb474735117b0303e5c0b0b1d60af2051"
    ),
    ("test27", "sentences.yaml"): (
        "2c0f12facc1bff419917ecc933be9ff2d5b8f7ec44b9b954b5f1cc28faa3cfdf"
    ),
    ("test28", "reports.yaml"): (
        "3f01c138a2fea5ac6dce5cf20e4469d50c3d6c89f4396a1b18d71c8f7f39f523"
    ),
    ("test28", "sentences.yaml"): (
        "f6dde2a2ed8d368c0854fedc4bda6a76029dc23241a97fae467df99ee1e0bf1d"
    ),
    ("test29", "reports.yaml"): (
        "0830006f397f2d13c8bf48d3c8ddc719d43ee6938715aba924f608a61cf31131"
    ),
    ("test29", "sentences.yaml"): (
        "218c5a4a1be2c89565d757d96f2945c734f6e267465e1eac0d615273d81dd934"
    ),
    ("test30", "reports.yaml"): (
        "2763fa2fd483ea18e74212092478897f7d051dff32aec53b7b26d3969c4b3fe9"
    ),
    ("test30", "sentences.yaml"): (
        "7a9d016a7c925d39abbe8ce425f02e53e741a631190cbcde1506b3b838545cd5"
    ),
    ("test31", "reports.yaml"): (
        "b64a7360c43f72e7488126db377488a42d3a7a6ad95135eed4527d2aab20125b"
    ),
    ("test31", "sentences.yaml"): (
        "6ad65b861bc5e84b52000072e650f9219e6deb9dbc57e973c8a5afac472cc573"
    ),
    ("test32", "reports.yaml"): (
        "3802cb70b927629eaec8ad64d5f99f3c65270f12a39a2d6109d84712a900be32"
    ),
    ("test32", "sentences.yaml"): (
        "70cffb0e4b0e46900611e38d9be1957b166fc89340d14bc99361bee9d3839be9"
    ),
    ("test33", "reports.yaml"): (
        "1a99703b91981998bc9360fceca2b6d5142c7d8b7186e75cc9a9823138e18ee4"
    ),
    ("test33", "sentences.yaml"): (
        "ecc3ff32f00548d59b7bec44575fc0af8596917de59e0a68c7c1671405f51e7d"
    ),
    ("test34", "reports.yaml"): (
        "3dcac230cdac66c546e1fa3421b588a4925144127eabc4e6fbb5c139f9738461"
    ),
    ("test34", "sentences.yaml"): (
        "2388fb60bfa99eb1c91ff8a9efd194eeb4e274a0f5554f64ab0face3e3ab77b1"
    ),
    ("test35", "reports.yaml"): (
        "eea8159c210f3777badb97600a562e2be1befc24c04c2a6d9ff36657441e31b9"
    ),
    ("test35", "sentences.yaml"): (
        "e3a9acd3020778d3588a48b405d8af23e0815913810a3cc83d33e0850bd987c5"
    ),
    ("test36", "reports.yaml"): (
        "802006f9f681ea1a9f3b67d4861ec064fb6cce108790528a60ce8b5e44d5378f"
    ),
    ("test36", "sentences.yaml"): (
        "ac412e83b1996f3ae8db96d58d7818acbd2a7cf819d2587bb16994759e193099"
    ),
    ("test37", "reports.yaml"): (
        "526486f05a9c585908e83c2a8e3f6f8769efff058a09d245c9aa05d6cd95f86a"
    ),
    ("test37", "sentences.yaml"): (
        "8443e9861f92a6a3d66e5e6b6086b7bfb7c37f46fee8524b9e978e1fac681732"
    ),
    ("test38", "reports.yaml"): (
        "38bdec6aa597fa79daec7dcc49d17a74b340eca465a8d32b488db5c8909a4f22"
    ),
    ("test38", "sentences.yaml"): (
        "5893d1aaa1ee8f3e025f377ab904ddfc29cba936bc7480a6adf84c499bb5ecbe"
    ),
    ("test39", "reports.yaml"): (
        "f9e8b7743f884575980f896041bf98208470b6bf7f500e367467a08d394e3960"
    ),
    ("test39", "sentences.yaml"): (
        "2a6c230c7e26dc2e3630b9a7dddca096f2bb26f8aea83831b56449ff50d09a46"
    ),
    ("test40", "reports.yaml"): (
        "00c5078df7077b087259c85f3b9651eeb0adeaaf39a7d566537f894c7aa2e96b"
    ),
    ("test40", "sentences.yaml"): (
        "1c11315f1f33f391d923177d11af379ad61cf9b99e2782cd79eecd411c7df237"
    ),
    ("test41", "reports.yaml"): (
        "0f5eccef970e938f490aee2ee1b1a7bf8e041ce56b17d8ada4e44c1692779a9a"
    ),
    ("test41", "sentences.yaml"): (
        "ece2b32fc0458ad04b348c69d4d3418b5747f411830e8d97f111ca84c9c0725d"
    ),
    ("test42", "reports.yaml"): (
        "930f701264d61d3b81ab284516e20c582c32b2bef07df5cd1afb00a06f306add"
    ),
    ("test42", "sentences.yaml"): (
        "2f4ab980bfbe986b5e113dce26fa62e6c6e2f85f6f3d7b375a79d3961e6fdbe8"
    ),
    ("test43", "reports.yaml"): (
        "469f93e0c5147aa7529756e6b4a19b7c7332989e0b61dd163fdc3ecf6092b81f"
    ),
    ("test43", "sentences.yaml"): (
        "2a24e3761b090256eca7f0278c3965c705462bd7c85554cf99807aa8e1f478fb"
    ),
    ("test44", "reports.yaml"): (
        "d1b1db17d06bb9b63e1f1aa3b724b63f69e94e5855e778539c51943c98eff39f"
    ),
    ("test44", "sentences.yaml"): (
        "6e0ae78ad2209f8effcca2de2441de16281ec05fe45dc88194c65641069a642f"
    ),
    ("test45", "reports.yaml"): (
        "e77dade60dc55dd832bc2fb9c4ef0cdba4de177729c9eae054e648dd218acb04"
    ),
    ("test45", "sentences.yaml"): (
        "5ea68b5f4c4fa11185838b9d98de06875efa67855c916523b8860267f67f1d90"
    ),
    ("test46", "reports.yaml"): (
        "1cdc3cc26865eb47ee005546b948d5c52771e6ac876041b05379270be6c9d2a7"
    ),
    ("test46", "sentences.yaml"): (
        "9bc630413c5db641bbcfd4f4bc7cfb714f3b3c75aa6a7b9a61bed9f5813abb9f"
    ),
    ("test47", "reports.yaml"): (
        "d7f38a5ce73b1b6b5f0950dd3957ee95871f2113e91f49de8db89b01712adf5e"
    ),
    ("test47", "sentences.yaml"): (
        "b2fd41babc99ae2b2c355ea2cdc0f3b591d3508fc57498a30771f4b016ed8e52"
    ),
    ("test48", "reports.yaml"): (
        "81099256e6893bcf4220a717d231145925c95d3aa0ce71a441822c4443a0e34f"
    ),
    ("test48", "sentences.yaml"): (
        "50b141bf4dc1d0d6a91faba5f728942dec34b55c682344b05a685909181ae87b"
    ),
    ("test49", "reports.yaml"): (
        "df972fd7ffd3410e9d7ec82682c9313f4664d597ff6f429de96ca28ac15c7958"
    ),
    ("test49", "sentences.yaml"): (
        "0018d0d30001832b6459811bfad0709965e3d88a5a26a532c39d596783d25560"
    ),
    ("test50", "reports.yaml"): (
        "ba05f928c4f11df7f408a6bae1ead4d29c41be5446c6f38162a9e5b9b0133f27"
    ),
    ("test50", "sentences.yaml"): (
        "2576f87e5beb1c745801bf01ddc721194b91f680baa25bc2f1bf6d584c3723c5"
    ),
    ("test51", "reports.yaml"): (
        "3bba5ff1147b8306b810ceab51af2a05b9811e6b27a55ed44d1c324e2269836c"
    ),
    ("test51", "sentences.yaml"): (
        "15aec29e5e8beacd0138a9192b08ef8be60d892cfb1463bcc4b92aa73813b82f"
    ),
    ("test52", "reports.yaml"): (
        "38892e653afe9ab84db34d8a755c87db07692c3d7c7484e7842db4ec5850364e"
    ),
    ("test52", "sentences.yaml"): (
        "e8bbe8475c302e0396b90437b23f0a730a17c9beed4c021cc269094f46996eff"
    ),
    ("test53", "reports.yaml"): (
        "148e3efdcb96f749801ed7496c990aaa1f1e245c5c6510d50c4d1d1953d61a27"
    ),
    ("test53", "sentences.yaml"): (
        "9401499db35f46d81d99739b161b689b2cf292c99872e33a5f5a0960a8ec7295"
    ),
    ("test54", "reports.yaml"): (
        "76159645743737599ce7076fab313e2bb45a6b9ea14294c5c4f5e951623f96d1"
    ),
    ("test54", "sentences.yaml"): (
        "e429d1d9c9ae3420c771f604ca8afdc301e5b3465746a2e479414c2d4a21fef7"
    ),
    ("test55", "reports.yaml"): (
        "ef9f8592c11d8af6dbcab3830aeea7bc1afadf0bea2d74cf70912758994b880d"
    ),
    ("test55", "sentences.yaml"): (
        "2049da468fcd9178c8d3833afaaa812afd09f5d34c4893f1ce7712ffc29faa7e"
    ),
    ("test56", "reports.yaml"): (
        "bc7199108ae24e35e48d8e1eeaaa857e970cef5d75cee32e19766d0780597c47"
    ),
    ("test56", "sentences.yaml"): (
        "64acda439fab760247340833c7026280f11fd70c00d08b4f1e8910b93b119b9f"
    ),
}


@pytest.mark.parametrize(("split", "name"), sorted(FROZEN_SHA256))
def test_corpus_test_split_files_are_frozen(split, name):
    digest = hashlib.sha256((CORPUS / split / name).read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256[split, name]


@pytest.fixture(scope="module", params=TEST_SPLITS)
def held_out(request, reader, config) -> dict[str, float]:
    """A frozen split's figures as numbers only: a failing test must not print the items it
    missed (whoever sees them could tune on them)."""
    scores: Scores = corpus_scores(reader, config, request.param)
    return {
        "recall": scores.recall,
        "precision": scores.precision,
        "hedged": len(scores.hedged_read_as_firm),
        "false_present": len(scores.false_present),
    }


#: Rules 2.79.0 on each frozen split, read by a reviewer (corpus README): which
#: targets it misses there. A target test is a strict expected failure on those splits only, so
#: the day the reader meets one, the suite says so and the mark must go.
NOT_MET = {
    "recall": {},
    "precision": {
        "test14": "98.5% (65/66)",
        "test16": "98.5% (64/65)",
        "test33": "98.6% (68/69)",
        "test39": "97.1% (68/70)",
    },
    "hedged": {},
    "false_present": {
        "test2": "1 false present",
        "test14": "1 false present",
        "test39": "1 false present",
    },
}


def expect_target(target: str, request: pytest.FixtureRequest) -> None:
    split = request.node.callspec.params["held_out"]
    figure = NOT_MET[target].get(split)
    if figure:
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason=f"issue 23 target not met on frozen split {split} (rules 2.79.0: {figure})",
            )
        )


def test_frozen_split_reading_recall_of_stated_findings_is_at_least_95_percent(held_out, request):
    expect_target("recall", request)
    assert held_out["recall"] >= 0.95


def test_frozen_split_reading_precision_is_at_least_99_percent(held_out, request):
    expect_target("precision", request)
    assert held_out["precision"] >= 0.99


def test_frozen_split_reading_reads_no_hedged_statement_as_a_firm_value(held_out, request):
    expect_target("hedged", request)
    assert held_out["hedged"] == 0


def test_frozen_split_reading_gives_no_false_present(held_out, request):
    expect_target("false_present", request)
    assert held_out["false_present"] == 0


#: Where rules 2.79.0 left the reader on each frozen split (corpus README): a floor, not a target;
#: the next rules must not fall below it. Figures as counts, so a floor reads as the
#: README's table does.
FLOOR = {
    "test2": {"recall": 451 / 462, "precision": 451 / 453, "hedged": 0, "false_present": 1},
    "test3": {"recall": 220 / 224, "precision": 220 / 221, "hedged": 0, "false_present": 0},
    "test4": {"recall": 214 / 217, "precision": 214 / 214, "hedged": 0, "false_present": 0},
    "test5": {"recall": 62 / 62, "precision": 62 / 62, "hedged": 0, "false_present": 0},
    "test6": {"recall": 65 / 66, "precision": 65 / 65, "hedged": 0, "false_present": 0},
    "test7": {"recall": 71 / 71, "precision": 71 / 71, "hedged": 0, "false_present": 0},
    "test8": {"recall": 62 / 65, "precision": 62 / 62, "hedged": 0, "false_present": 0},
    "test9": {"recall": 65 / 66, "precision": 65 / 65, "hedged": 0, "false_present": 0},
    "test10": {"recall": 69 / 69, "precision": 69 / 69, "hedged": 0, "false_present": 0},
    "test11": {"recall": 72 / 72, "precision": 72 / 72, "hedged": 0, "false_present": 0},
    "test12": {"recall": 67 / 69, "precision": 67 / 67, "hedged": 0, "false_present": 0},
    "test13": {"recall": 66 / 66, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test14": {"recall": 65 / 67, "precision": 65 / 66, "hedged": 0, "false_present": 1},
    "test15": {"recall": 64 / 65, "precision": 64 / 64, "hedged": 0, "false_present": 0},
    "test16": {"recall": 64 / 66, "precision": 64 / 65, "hedged": 0, "false_present": 0},
    "test17": {"recall": 63 / 64, "precision": 63 / 63, "hedged": 0, "false_present": 0},
    "test18": {"recall": 59 / 59, "precision": 59 / 59, "hedged": 0, "false_present": 0},
    "test19": {"recall": 60 / 62, "precision": 60 / 60, "hedged": 0, "false_present": 0},
    "test20": {"recall": 61 / 63, "precision": 61 / 61, "hedged": 0, "false_present": 0},
    "test21": {"recall": 78 / 79, "precision": 78 / 78, "hedged": 0, "false_present": 0},
    "test22": {"recall": 79 / 79, "precision": 79 / 79, "hedged": 0, "false_present": 0},
    "test23": {"recall": 77 / 77, "precision": 77 / 77, "hedged": 0, "false_present": 0},
    "test24": {"recall": 78 / 78, "precision": 78 / 78, "hedged": 0, "false_present": 0},
    "test25": {"recall": 72 / 75, "precision": 72 / 72, "hedged": 0, "false_present": 0},
    "test26": {"recall": 72 / 73, "precision": 72 / 72, "hedged": 0, "false_present": 0},
    "test27": {"recall": 74 / 74, "precision": 74 / 74, "hedged": 0, "false_present": 0},
    "test28": {"recall": 72 / 75, "precision": 72 / 72, "hedged": 0, "false_present": 0},
    "test29": {"recall": 78 / 78, "precision": 78 / 78, "hedged": 0, "false_present": 0},
    "test30": {"recall": 66 / 67, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test31": {"recall": 69 / 70, "precision": 69 / 69, "hedged": 0, "false_present": 0},
    "test32": {"recall": 73 / 73, "precision": 73 / 73, "hedged": 0, "false_present": 0},
    "test33": {"recall": 68 / 68, "precision": 68 / 69, "hedged": 0, "false_present": 0},
    "test34": {"recall": 70 / 70, "precision": 70 / 70, "hedged": 0, "false_present": 0},
    "test35": {"recall": 70 / 70, "precision": 70 / 70, "hedged": 0, "false_present": 0},
    "test36": {"recall": 67 / 68, "precision": 67 / 67, "hedged": 0, "false_present": 0},
    "test37": {"recall": 70 / 70, "precision": 70 / 70, "hedged": 0, "false_present": 0},
    "test38": {"recall": 63 / 65, "precision": 63 / 63, "hedged": 0, "false_present": 0},
    "test39": {"recall": 68 / 68, "precision": 68 / 70, "hedged": 0, "false_present": 1},
    "test40": {"recall": 66 / 66, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test41": {"recall": 66 / 67, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test42": {"recall": 69 / 69, "precision": 69 / 69, "hedged": 0, "false_present": 0},
    "test43": {"recall": 67 / 69, "precision": 67 / 67, "hedged": 0, "false_present": 0},
    "test44": {"recall": 66 / 68, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test45": {"recall": 68 / 70, "precision": 68 / 68, "hedged": 0, "false_present": 0},
    "test46": {"recall": 68 / 69, "precision": 68 / 68, "hedged": 0, "false_present": 0},
    "test47": {"recall": 66 / 66, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test48": {"recall": 70 / 71, "precision": 70 / 70, "hedged": 0, "false_present": 0},
    "test49": {"recall": 66 / 69, "precision": 66 / 66, "hedged": 0, "false_present": 0},
    "test50": {"recall": 67 / 67, "precision": 67 / 67, "hedged": 0, "false_present": 0},
    "test51": {"recall": 71 / 72, "precision": 71 / 71, "hedged": 0, "false_present": 0},
    "test52": {"recall": 70 / 70, "precision": 70 / 70, "hedged": 0, "false_present": 0},
    "test53": {"recall": 71 / 72, "precision": 71 / 71, "hedged": 0, "false_present": 0},
    "test54": {"recall": 71 / 72, "precision": 71 / 71, "hedged": 0, "false_present": 0},
    "test55": {"recall": 71 / 71, "precision": 71 / 71, "hedged": 0, "false_present": 0},
    "test56": {"recall": 70 / 72, "precision": 70 / 70, "hedged": 0, "false_present": 0},
}


def floor(request: pytest.FixtureRequest) -> dict[str, float]:
    return FLOOR[request.node.callspec.params["held_out"]]


def test_frozen_split_reading_recall_stays_at_least_where_rules_2_79_0_left_it(held_out, request):
    assert held_out["recall"] >= floor(request)["recall"]


def test_frozen_split_reading_precision_stays_at_least_where_rules_2_79_0_left_it(
    held_out, request
):
    assert held_out["precision"] >= floor(request)["precision"]


def test_frozen_split_reading_reads_no_more_hedges_as_firm_than_rules_2_79_0(held_out, request):
    assert held_out["hedged"] <= floor(request)["hedged"]


def test_frozen_split_reading_gives_no_more_false_present_than_rules_2_79_0(held_out, request):
    assert held_out["false_present"] <= floor(request)["false_present"]
