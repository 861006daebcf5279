"""monitor.json is replaced whole: the metrics port reads it at every scrape."""

from __future__ import annotations

from validation.monitor_report import write_whole


def test_a_reader_of_the_old_file_keeps_the_whole_old_file(tmp_path):
    path = tmp_path / "monitor.json"
    path.write_text('{"old": true}\n', encoding="utf-8")
    with path.open(encoding="utf-8") as reader:
        write_whole(path, '{"new": true}\n')
        assert reader.read() == '{"old": true}\n'
    assert path.read_text(encoding="utf-8") == '{"new": true}\n'


def test_no_temporary_file_is_left_beside_it(tmp_path):
    write_whole(tmp_path / "monitor.json", "{}\n")
    assert [entry.name for entry in tmp_path.iterdir()] == ["monitor.json"]
