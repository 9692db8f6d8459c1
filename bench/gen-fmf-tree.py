#!/usr/bin/env python3
"""Writes a synthetic FMF tree for benchmarks: N tests, one directory each (as in tmt repositories), nested
four levels deep, with inheritance, '+' merges and adjust rules at every level.

Usage: bench/gen-fmf-tree.py OUT [TESTS]   (default 20000 tests)
"""
import os
import random
import sys


def main():
    out = sys.argv[1]
    tests = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rnd = random.Random(20261123)
    os.makedirs(os.path.join(out, ".fmf"), exist_ok=True)
    with open(os.path.join(out, ".fmf", "version"), "w") as f:
        f.write("1\n")
    write(out, "main.fmf", """\
contact: QE Team <qe@example.org>
component: [kernel]
duration: 10m
tier: 2
tag: [base]
environment:
    LANG: C.UTF-8
adjust:
  - when: distro == fedora
    environment+:
        PKG_MANAGER: dnf
  - when: distro < fedora-38 or distro == centos-stream-8
    enabled: false
    because: too old
""")
    per_leaf = 20                       # tests per leaf file
    fan = 10                            # directories per level
    made = 0
    area = 0
    while made < tests:
        a = "area%02d" % area
        write(out, os.path.join(a, "main.fmf"), """\
component+: [%s]
tag+: [area%d]
require: [make, gcc]
""" % (a, area))
        for sub in range(fan):
            if made >= tests:
                break
            s = os.path.join(a, "suite%02d" % sub)
            write(out, os.path.join(s, "main.fmf"), """\
summary: Suite %d of %s
tier: %d
adjust:
    when: arch != x86_64
    tag+: [non-x86]
    continue: false
""" % (sub, a, rnd.randint(0, 3)))
            for leaf in range(fan):
                if made >= tests:
                    break
                l = os.path.join(s, "leaf%02d" % leaf)
                write(out, os.path.join(l, "main.fmf"), "duration: %dm\nframework: shell\n" % rnd.randint(1, 30))
                for t in range(per_leaf):
                    if made >= tests:
                        break
                    lines = ["summary: Test %d of leaf %d" % (t, leaf), "test: ./runtest.sh --case %d" % t]
                    if t % 3 == 0:
                        lines.append("tag+: [smoke]")
                    if t % 7 == 0:
                        lines.append("environment+:\n    CASE_%d: \"%d\"" % (t, t))
                    if t % 11 == 0:
                        lines.append("adjust:\n  - when: distro ~= rhel-9 and arch == x86_64\n"
                                     "    duration: 1h\n  - when: initiator == human\n    enabled: false")
                    write(out, os.path.join(l, "test-%03d" % t, "main.fmf"), "\n".join(lines) + "\n")
                    made += 1
        area += 1
    print("%d tests in %s" % (made, out))


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
