"""The default code contract: every code this service understands with no site configuration.

This module is the one place the default codes live. The mapping layer reads its tables, the
published CodeSystems (``codesystem-*.json``) must define exactly its project codes (a test
checks), docs/code-contract.md lists them for integrators, and tools that build FHIR test data
import the constants from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from scoring import Value

PVP_FINDINGS = "http://pvp-cds.org/fhir/CodeSystem/pvp-findings"
VERTEBRAL_LEVEL = "http://pvp-cds.org/fhir/CodeSystem/vertebral-level"
SNOMED_CT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RADLEX = "http://radlex.org"
CPT = "http://www.ama-assn.org/go/cpt"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD_10 = "http://hl7.org/fhir/sid/icd-10"
HL7_V2_YES_NO = "http://terminology.hl7.org/CodeSystem/v2-0136"
HL7_NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


@dataclass(frozen=True)
class Code:
    """A code in a code system. The display is for people; equality and lookups ignore it."""

    system: str
    code: str
    display: str = field(default="", compare=False)

    @property
    def token(self) -> str:
        """The FHIR search token form, ``system|code``."""
        return f"{self.system}|{self.code}"

    def coding(self) -> dict[str, str]:
        """As a FHIR Coding (JSON), without an empty display."""
        coding = {"system": self.system, "code": self.code}
        if self.display:
            coding["display"] = self.display
        return coding


class FindingName(StrEnum):
    """The scoring model's inputs, spelled as the model file spells them."""

    INTRAVERTEBRAL_VACUUM_CLEFT = "intravertebral_vacuum_cleft"
    POSTERIOR_FASCIA_OEDEMA = "posterior_fascia_oedema"
    GOUTALLIER_GRADE = "goutallier_grade"
    CEMENT_DISTRIBUTION = "cement_distribution"


FINDING_NAMES: frozenset[str] = frozenset(name.value for name in FindingName)

#: Findings whose value is present/absent.
PRESENCE_FINDINGS = frozenset(
    {FindingName.INTRAVERTEBRAL_VACUUM_CLEFT, FindingName.POSTERIOR_FASCIA_OEDEMA}
)


class CementDistribution(StrEnum):
    BLOCKY = "blocky"
    SPONGY = "spongy"


class Unknown(Enum):
    """An answer code that says the value is not known (e.g. SNOMED CT "Unknown"). It makes a
    reading unknown, exactly like ``dataAbsentReason``; it never means "absent"."""

    UNKNOWN = "unknown"


UNKNOWN = Unknown.UNKNOWN

GOUTALLIER_GRADES = range(0, 5)

#: Every value the mapping layer can give each finding; the model must take each of them.
FINDING_DOMAINS: dict[FindingName, tuple[Value, ...]] = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT: (False, True),
    FindingName.POSTERIOR_FASCIA_OEDEMA: (False, True),
    FindingName.GOUTALLIER_GRADE: tuple(GOUTALLIER_GRADES),
    FindingName.CEMENT_DISTRIBUTION: tuple(
        distribution.value for distribution in CementDistribution
    ),
}


class ProcedureKind(StrEnum):
    VERTEBROPLASTY = "vertebroplasty"
    #: An add-on code for each further level treated in the same session (CPT 22512).
    VERTEBROPLASTY_ADDITIONAL_LEVEL = "vertebroplasty-additional-level"
    #: Kyphoplasty and other vertebral augmentation: not the model's population.
    OTHER_AUGMENTATION = "other-augmentation"


class VertebralLevel(StrEnum):
    """Vertebrae in craniocaudal order; the order is used for the T4-L5 range check."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    T1 = "T1"
    T2 = "T2"
    T3 = "T3"
    T4 = "T4"
    T5 = "T5"
    T6 = "T6"
    T7 = "T7"
    T8 = "T8"
    T9 = "T9"
    T10 = "T10"
    T11 = "T11"
    T12 = "T12"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"

    @property
    def position(self) -> int:
        return list(VertebralLevel).index(self)


#: The levels treated in the derivation cohort (Li et al. 2021, Methods and Table 1).
DERIVATION_LEVELS = tuple(
    level
    for level in VertebralLevel
    if VertebralLevel.T4.position <= level.position <= VertebralLevel.L5.position
)

# --- Observation.code: which finding an Observation reports -------------------------------

IVC = Code(PVP_FINDINGS, "intravertebral-vacuum-cleft", "Intravertebral vacuum cleft")
POSTERIOR_FASCIA_OEDEMA = Code(PVP_FINDINGS, "posterior-fascia-oedema", "Posterior fascia oedema")
GOUTALLIER_GRADE = Code(
    PVP_FINDINGS, "goutallier-grade", "Paraspinal muscle fatty degeneration (Goutallier grade)"
)
GOUTALLIER_GRADE_LEFT = Code(PVP_FINDINGS, "goutallier-grade-left", "Goutallier grade, left side")
GOUTALLIER_GRADE_RIGHT = Code(
    PVP_FINDINGS, "goutallier-grade-right", "Goutallier grade, right side"
)
CEMENT_DISTRIBUTION = Code(PVP_FINDINGS, "cement-distribution", "Bone cement distribution")
RADLEX_IVC = Code(RADLEX, "RID35311", "intravertebral vacuum cleft sign")

FINDING_CODES: dict[Code, FindingName] = {
    IVC: FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
    RADLEX_IVC: FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
    POSTERIOR_FASCIA_OEDEMA: FindingName.POSTERIOR_FASCIA_OEDEMA,
    GOUTALLIER_GRADE: FindingName.GOUTALLIER_GRADE,
    CEMENT_DISTRIBUTION: FindingName.CEMENT_DISTRIBUTION,
}

#: Observation.component.code of a one-sided Goutallier grade; the worse side counts.
GOUTALLIER_SIDE_CODES = frozenset({GOUTALLIER_GRADE_LEFT, GOUTALLIER_GRADE_RIGHT})

# --- Observation.valueCodeableConcept: answers ---------------------------------------------

SNOMED_PRESENT = Code(SNOMED_CT, "52101004", "Present")
SNOMED_ABSENT = Code(SNOMED_CT, "2667000", "Absent")
SNOMED_PRESENCE_FINDINGS = Code(SNOMED_CT, "260411009", "Presence findings")
SNOMED_ABSENCE_FINDINGS = Code(SNOMED_CT, "272519000", "Absence findings")
SNOMED_KNOWN_PRESENT = Code(SNOMED_CT, "410515003", "Known present")
SNOMED_KNOWN_ABSENT = Code(SNOMED_CT, "410516002", "Known absent")
SNOMED_YES = Code(SNOMED_CT, "373066001", "Yes")
SNOMED_NO = Code(SNOMED_CT, "373067005", "No")
LOINC_YES = Code(LOINC, "LA33-6", "Yes")
LOINC_NO = Code(LOINC, "LA32-8", "No")
V2_YES = Code(HL7_V2_YES_NO, "Y", "Yes")
V2_NO = Code(HL7_V2_YES_NO, "N", "No")

SNOMED_UNKNOWN = Code(SNOMED_CT, "261665006", "Unknown")
SNOMED_UNDETERMINED = Code(SNOMED_CT, "373068000", "Undetermined")
LOINC_UNKNOWN = Code(LOINC, "LA4489-6", "Unknown")
NULL_FLAVOR_UNKNOWN = Code(HL7_NULL_FLAVOR, "UNK", "unknown")
NULL_FLAVOR_ASKED_BUT_UNKNOWN = Code(HL7_NULL_FLAVOR, "ASKU", "asked but unknown")
NULL_FLAVOR_NOT_ASKED = Code(HL7_NULL_FLAVOR, "NASK", "not asked")

UNKNOWN_ANSWERS: dict[Code, Unknown] = {
    code: UNKNOWN
    for code in (
        SNOMED_UNKNOWN,
        SNOMED_UNDETERMINED,
        LOINC_UNKNOWN,
        NULL_FLAVOR_UNKNOWN,
        NULL_FLAVOR_ASKED_BUT_UNKNOWN,
        NULL_FLAVOR_NOT_ASKED,
    )
}

PRESENCE_ANSWERS: dict[Code, bool | Unknown] = {
    SNOMED_PRESENT: True,
    SNOMED_ABSENT: False,
    # IPS style: the parents of Present/Absent and their "Known ..." children.
    SNOMED_PRESENCE_FINDINGS: True,
    SNOMED_ABSENCE_FINDINGS: False,
    SNOMED_KNOWN_PRESENT: True,
    SNOMED_KNOWN_ABSENT: False,
    SNOMED_YES: True,
    SNOMED_NO: False,
    LOINC_YES: True,
    LOINC_NO: False,
    V2_YES: True,
    V2_NO: False,
    **UNKNOWN_ANSWERS,
}

GOUTALLIER_GRADE_CODES = tuple(
    Code(PVP_FINDINGS, f"goutallier-{grade}", f"Goutallier grade {grade}")
    for grade in GOUTALLIER_GRADES
)

GOUTALLIER_ANSWERS: dict[Code, int | Unknown] = {
    **{code: grade for grade, code in zip(GOUTALLIER_GRADES, GOUTALLIER_GRADE_CODES, strict=True)},
    **UNKNOWN_ANSWERS,
}

BLOCKY = Code(PVP_FINDINGS, "blocky", "Blocky (solid) cement distribution")
SPONGY = Code(PVP_FINDINGS, "spongy", "Spongy (diffuse) cement distribution")

CEMENT_ANSWERS: dict[Code, CementDistribution | Unknown] = {
    BLOCKY: CementDistribution.BLOCKY,
    SPONGY: CementDistribution.SPONGY,
    **UNKNOWN_ANSWERS,
}

# --- Observation.code: the outcome the model predicts ---------------------------------------

#: Back pain on a visual analogue scale, as the study measured it (residual pain: VAS >= 4).
LOINC_VAS_PAIN = Code(LOINC, "38214-3", "Pain severity [Score] Visual analog score")
#: Pain on a 0-10 numeric rating scale, which many EHRs record instead of a VAS.
LOINC_NUMERIC_PAIN = Code(
    LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
)
#: Codes of a 0-10 pain score that gives the outcome (residual pain: score >= 4).
PAIN_SCORE_CODES = (LOINC_VAS_PAIN, LOINC_NUMERIC_PAIN)

# --- Procedure.code: the index procedure ---------------------------------------------------

CPT_VERTEBROPLASTY_CERVICOTHORACIC = Code(
    CPT, "22510", "Percutaneous vertebroplasty, one vertebral body, cervicothoracic"
)
CPT_VERTEBROPLASTY_LUMBOSACRAL = Code(
    CPT, "22511", "Percutaneous vertebroplasty, one vertebral body, lumbosacral"
)
CPT_VERTEBROPLASTY_ADDITIONAL = Code(
    CPT, "22512", "Percutaneous vertebroplasty, each additional vertebral body"
)
CPT_AUGMENTATION_THORACIC = Code(
    CPT, "22513", "Percutaneous vertebral augmentation (e.g. kyphoplasty), thoracic"
)
CPT_AUGMENTATION_LUMBAR = Code(
    CPT, "22514", "Percutaneous vertebral augmentation (e.g. kyphoplasty), lumbar"
)
CPT_AUGMENTATION_ADDITIONAL = Code(
    CPT, "22515", "Percutaneous vertebral augmentation, each additional level"
)
RADLEX_VERTEBROPLASTY = Code(RADLEX, "RID1839", "Vertebroplasty")
RADLEX_KYPHOPLASTY = Code(RADLEX, "RID1840", "kyphoplasty")

# SNOMED CT procedure codes are left to the site file: we could not verify them against a
# SNOMED CT release, and a wrong code here would silently misclassify procedures.
PROCEDURE_CODES: dict[Code, ProcedureKind] = {
    CPT_VERTEBROPLASTY_CERVICOTHORACIC: ProcedureKind.VERTEBROPLASTY,
    CPT_VERTEBROPLASTY_LUMBOSACRAL: ProcedureKind.VERTEBROPLASTY,
    CPT_VERTEBROPLASTY_ADDITIONAL: ProcedureKind.VERTEBROPLASTY_ADDITIONAL_LEVEL,
    RADLEX_VERTEBROPLASTY: ProcedureKind.VERTEBROPLASTY,
    CPT_AUGMENTATION_THORACIC: ProcedureKind.OTHER_AUGMENTATION,
    CPT_AUGMENTATION_LUMBAR: ProcedureKind.OTHER_AUGMENTATION,
    CPT_AUGMENTATION_ADDITIONAL: ProcedureKind.OTHER_AUGMENTATION,
    RADLEX_KYPHOPLASTY: ProcedureKind.OTHER_AUGMENTATION,
}

# --- Procedure.bodySite: the treated level -------------------------------------------------

#: SNOMED CT vertebra codes as listed in DICOM PS3.16 CID 7603 "Vertebra" (C1-L5).
SNOMED_VERTEBRAE: dict[VertebralLevel, str] = {
    VertebralLevel.C1: "14806007",
    VertebralLevel.C2: "39976000",
    VertebralLevel.C3: "113205007",
    VertebralLevel.C4: "5329002",
    VertebralLevel.C5: "36978003",
    VertebralLevel.C6: "36054005",
    VertebralLevel.C7: "87391001",
    VertebralLevel.T1: "64864005",
    VertebralLevel.T2: "53733008",
    VertebralLevel.T3: "1626008",
    VertebralLevel.T4: "73071006",
    VertebralLevel.T5: "56401006",
    VertebralLevel.T6: "45296009",
    VertebralLevel.T7: "62487009",
    VertebralLevel.T8: "11068009",
    VertebralLevel.T9: "82687006",
    VertebralLevel.T10: "7610001",
    VertebralLevel.T11: "12989004",
    VertebralLevel.T12: "23215003",
    VertebralLevel.L1: "66794005",
    VertebralLevel.L2: "14293000",
    VertebralLevel.L3: "36470004",
    VertebralLevel.L4: "11994002",
    VertebralLevel.L5: "49668003",
}

LEVEL_CODES: dict[Code, VertebralLevel] = {
    **{
        Code(VERTEBRAL_LEVEL, level.value, f"{level.value} vertebra"): level
        for level in VertebralLevel
    },
    **{
        Code(SNOMED_CT, code, f"{level.value} vertebra"): level
        for level, code in SNOMED_VERTEBRAE.items()
    },
}

#: bodySite.text accepted as a level: exactly the level's name ("L1"), case and surrounding
#: spaces aside. Free text like "first lumbar" is not guessed at.
LEVEL_TEXTS: dict[str, VertebralLevel] = {level.value: level for level in VertebralLevel}

# --- Condition.code: the osteoporotic vertebral fracture -----------------------------------

#: ICD-10-CM M80.08 (age-related) and M80.88 (other) osteoporosis with current pathological
#: fracture of vertebra(e), with every seventh character (encounter / healing stage).
ICD_10_CM_FRACTURE_CODES = frozenset(
    Code(
        ICD_10_CM,
        f"{stem}X{stage}",
        f"{label} osteoporosis with current pathological fracture, vertebra(e)",
    )
    for stem, label in (("M80.08", "Age-related"), ("M80.88", "Other"))
    for stage in "ADGKPS"
)
#: WHO ICD-10 (and the modifications that keep its M80, e.g. ICD-10-GM, ICD-10-AM) codes
#: osteoporosis with pathological fracture by cause (fourth character) and site (fifth); site
#: 8, "other", is where the vertebral column falls (ICD-10 chapter XIII site list), and M80
#: includes "osteoporotic vertebral collapse and wedging".
_WHO_M80_CAUSES = {
    "0": "Postmenopausal",
    "1": "Postoophorectomy",
    "2": "Osteoporosis of disuse",
    "3": "Postsurgical malabsorption",
    "4": "Drug-induced",
    "5": "Idiopathic",
    "8": "Other",
    "9": "Unspecified",
}
ICD_10_FRACTURE_CODES = frozenset(
    Code(ICD_10, f"M80.{cause}8", f"{label} osteoporosis with pathological fracture, other site")
    for cause, label in _WHO_M80_CAUSES.items()
)
#: SNOMED CT "Osteoporotic fracture of bone": the concept EHRs built on SNOMED CT record
#: (e.g. in the NHS fragility-fracture refset, FF_COD). Its subtypes by bone are many and
#: release-dependent; a site lists the ones it uses in its mapping file.
SNOMED_OSTEOPOROTIC_FRACTURE = Code(SNOMED_CT, "443165006", "Osteoporotic fracture of bone")

#: Condition codes that record the osteoporotic fracture the model was derived in.
OSTEOPOROTIC_VERTEBRAL_FRACTURE_CODES = (
    ICD_10_CM_FRACTURE_CODES | ICD_10_FRACTURE_CODES | {SNOMED_OSTEOPOROTIC_FRACTURE}
)

# --- Condition.code: conditions the derivation study excluded --------------------------------


class ExclusionRule(StrEnum):
    """The paper's exclusion criteria that an EHR records as a Condition (Li et al. 2021,
    Methods: fractures caused by tumour, infection or tuberculosis; spinal cord compression
    and obvious neurological symptoms)."""

    SPINAL_MALIGNANCY = "spinal-malignancy"
    SPINAL_INFECTION = "spinal-infection"
    NEUROLOGICAL_DEFICIT = "neurological-deficit"


def _icd(code: str, display: str) -> Code:
    return Code(ICD_10_CM, code, display)


#: The spinal regions of ICD-10-CM M46.2-M46.4 (fifth character), as the tabular list names
#: them: 0 site unspecified ... 8 sacral; M46.3 and M46.4 add 9, multiple sites in spine.
_SPINE_REGIONS = {
    "0": "site unspecified",
    "1": "occipito-atlanto-axial region",
    "2": "cervical region",
    "3": "cervicothoracic region",
    "4": "thoracic region",
    "5": "thoracolumbar region",
    "6": "lumbar region",
    "7": "lumbosacral region",
    "8": "sacral and sacrococcygeal region",
    "9": "multiple sites in spine",
}


def _by_region(stem: str, label: str, regions: str) -> tuple[Code, ...]:
    return tuple(_icd(f"{stem}{r}", f"{label}, {_SPINE_REGIONS[r]}") for r in regions)


_MYELOMA_STAGES = {"0": "not having achieved remission", "1": "in remission", "2": "in relapse"}

#: Default codes of each exclusion. Only codes we could check against the ICD-10-CM tabular
#: list or a published SNOMED CT value set (see docs/code-contract.md); sites add their own.
EXCLUSION_CODES: dict[Code, ExclusionRule] = {
    **{
        code: ExclusionRule.SPINAL_MALIGNANCY
        for code in (
            _icd("C41.2", "Malignant neoplasm of vertebral column"),
            _icd("C79.51", "Secondary malignant neoplasm of bone"),
            *(_icd(f"C90.0{s}", f"Multiple myeloma {t}") for s, t in _MYELOMA_STAGES.items()),
            *(_icd(f"C90.3{s}", f"Solitary plasmacytoma {t}") for s, t in _MYELOMA_STAGES.items()),
            Code(SNOMED_CT, "109989006", "Multiple myeloma"),
            Code(SNOMED_CT, "94222008", "Secondary malignant neoplasm of bone"),
        )
    },
    **{
        code: ExclusionRule.SPINAL_INFECTION
        for code in (
            *_by_region("M46.2", "Osteomyelitis of vertebra", "012345678"),
            *_by_region("M46.3", "Infection of intervertebral disc (pyogenic)", "0123456789"),
            *_by_region("M46.4", "Discitis, unspecified", "0123456789"),
            _icd("A18.01", "Tuberculosis of spine"),
        )
    },
    **{
        code: ExclusionRule.NEUROLOGICAL_DEFICIT
        for code in (
            _icd("G95.20", "Unspecified cord compression"),
            _icd("G95.29", "Other cord compression"),
            _icd("G83.4", "Cauda equina syndrome"),
        )
    },
}

# --- DiagnosticReport.category: radiology reports read for text ----------------------------

HL7_V2_DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
#: US Core DiagnosticReport for Report and Note exchange names radiology with LOINC LP29684-5;
#: HL7 v2 table 0074 (diagnostic service section) with RAD, which many EHRs still send.
LOINC_RADIOLOGY = Code(LOINC, "LP29684-5", "Radiology")
V2_RADIOLOGY = Code(HL7_V2_DIAGNOSTIC_SERVICE, "RAD", "Radiology")
RADIOLOGY_REPORT_CATEGORIES = frozenset({LOINC_RADIOLOGY, V2_RADIOLOGY})
