"""The benchmark harness must not rot: run it end to end on tiny trees (offline, seconds)."""
from bench import smoke


def test_bench_smoke_runs_every_tool_and_scores_them():
    results = smoke.smoke(log=lambda *args: None)
    assert results["cases"], "the smoke trees gave no case"
    assert {e["direction"] for e in results["cases"]} == {"backport", "forwardport"}
    assert smoke.check(results) == []
    assert "| patch --fuzz=0 |" in results["markdown"]
    for entry in results["cases"]:
        assert set(entry["tools"]) >= {"git apply", "git apply --3way", "patch --fuzz=0",
                                       "patch --fuzz=2", "patch --fuzz=3", "wiggle", "backport"}


def test_a_hunk_is_right_only_when_its_region_matches_the_expected_file():
    from bench import diffs, score
    before = "a\nb\nc\nd\ne\n"
    expected = "a\nb\nNEW\nc\nd\ne\n"
    good = diffs.parse("@@ -2,2 +2,3 @@\n b\n+NEW\n c\n").hunks[0]
    bad = diffs.parse("@@ -3,2 +3,3 @@\n c\n+NEW\n d\n").hunks[0]
    assert diffs.apply_hunks(before, [good]) == expected
    wrong = diffs.apply_hunks(before, [bad])
    assert score.hunk_is_right(good, score.differences(expected, expected))
    assert not score.hunk_is_right(bad, score.differences(wrong, expected))
    assert score.is_l1("a  b\n\n", "a b\n") and not score.is_l1(wrong, expected)
