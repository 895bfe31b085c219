"""The bench's case selection by stratum and part, and results joined from runs of other tools."""
from bench import run
from bench.__main__ import _part


def test_join_tools_adds_the_other_runs_tools_to_the_same_cases():
    mine = [{"direction": "backport", "id": "w:a.c", "tools": {"backport": {"l1": True}}},
            {"direction": "forwardport", "id": "w:a.c", "tools": {"backport": {"l1": False}}}]
    other = [{"direction": "forwardport", "id": "w:a.c", "tools": {"wiggle": {"l1": True}, "backport": {"l1": True}}}]
    names = run.join_tools(mine, other, ["backport"])
    assert names == ["backport", "wiggle"]
    assert mine[1]["tools"] == {"backport": {"l1": False}, "wiggle": {"l1": True}}  # its own backport run kept
    assert "wiggle" not in mine[0]["tools"]  # no run of that case: nothing joined


def test_part_is_k_of_n():
    assert _part("1/10") == (1, 10)
    for bad in ("0/3", "4/3", "x", "1-2"):
        try:
            _part(bad)
        except Exception as e:  # argparse.ArgumentTypeError
            assert "K/N" in str(e)
        else:
            raise AssertionError(bad)
