#!/usr/bin/env python3
"""Compares two junit XML results of the same s3-tests selection by test id.

    compare.py DIRECT.xml PROXY.xml [--known FILE]

Prints the regressions (pass directly, not through the proxy), the tests the proxy fixes (the
reverse) and both summaries. A test id listed in --known (one per line, '#' comments) is a
regression that is accepted and explained there; it is printed but does not fail the run.
Exit status: 1 if there is an unlisted regression, else 0.

    compare.py --alone PROXY.xml [--known FILE]

For groups that have no direct baseline (S3Proxy has no IAM/STS): every test that does not pass
(failed or error) must be listed in --known, with its reason. Exit status 1 otherwise, and also
when a listed test now passes (so the list stays true).
"""
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("classname", "") + "::" + case.get("name", "")
        if case.find("skipped") is not None:
            state = "skipped"
        elif case.find("failure") is not None:
            state = "failed"
        elif case.find("error") is not None:
            # pytest records a teardown error as a second element on a passed or failed case
            state = "error"
        else:
            state = "passed"
        # A case can appear twice (call and teardown); the worse outcome wins.
        if result.get(name) in (None, "passed", "skipped"):
            result[name] = state
    return result


def summary(r):
    counts = {}
    for state in r.values():
        counts[state] = counts.get(state, 0) + 1
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in ("passed", "failed", "error", "skipped"))


def alone(proxy, known):
    failing = sorted(t for t, s in proxy.items() if s in ("failed", "error"))
    unlisted = [t for t in failing if t not in known]
    now_passing = sorted(t for t in known if proxy.get(t) == "passed")
    print(f"proxy:  {summary(proxy)} ({len(proxy)} tests)")
    print(f"not passing ({len(failing)}, {len(failing) - len(unlisted)} of them known):")
    for t in failing:
        print(("  ~ " if t in known else "  - ") + t + "  [" + proxy[t] + "]")
    for t in now_passing:
        print("  + " + t + "  [passes now: take it off the known list]")
    print(f"RESULT {len(unlisted)} unexplained failures, {len(now_passing)} known failures now passing")
    return 1 if unlisted or now_passing else 0


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    known = set()
    if "--known" in argv:
        with open(argv[argv.index("--known") + 1]) as f:
            known = {line.split("#")[0].strip() for line in f} - {""}
        args = [a for a in args if a != argv[argv.index("--known") + 1]]
    if "--alone" in argv:
        return alone(outcomes(args[0]), known)
    direct, proxy = outcomes(args[0]), outcomes(args[1])
    regressions = sorted(t for t, s in direct.items() if s == "passed" and proxy.get(t, "missing") != "passed")
    fixes = sorted(t for t, s in proxy.items() if s == "passed" and direct.get(t, "missing") != "passed")
    unlisted = [t for t in regressions if t not in known]
    print(f"direct: {summary(direct)} ({len(direct)} tests)")
    print(f"proxy:  {summary(proxy)} ({len(proxy)} tests)")
    print(f"fixed by the proxy ({len(fixes)}):")
    for t in fixes:
        print("  + " + t)
    print(f"regressions ({len(regressions)}, {len(regressions) - len(unlisted)} of them known):")
    for t in regressions:
        print(("  ~ " if t in known else "  - ") + t + "  [" + proxy.get(t, "missing") + "]")
    print(f"RESULT {len(unlisted)} unexplained regressions, {len(fixes)} fixes")
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
