#!/usr/bin/env python3
"""Doxygen INPUT_FILTER for copas-cpp's public headers (docs/Doxyfile.in).

The headers document themselves in plain // comments: the block after `#pragma once` describes the
file, the block above a declaration describes it. This hands them to Doxygen as `/** @file */` and
`///` comments, so the headers stay free of markup. Lint markers are left as they are.
"""
import re
import sys


def escape(text):
    """Angle brackets outside `code` are prose (`<from>`, a<b), not HTML tags."""
    parts = text.split("`")
    for k in range(0, len(parts), 2):
        parts[k] = parts[k].replace("<", "\\<").replace(">", "\\>")
    return "`".join(parts)


lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = []
i = 0
# The file comment: the first comment block before any code.
while i < len(lines) and (lines[i].startswith("#pragma once") or not lines[i].strip()):
    out.append(lines[i])
    i += 1
if i < len(lines) and lines[i].startswith("//"):
    out.append("/** @file")
    while i < len(lines) and lines[i].startswith("//"):
        text = lines[i][3:] if lines[i].startswith("// ") else lines[i][2:]
        out.append(" * " + escape(text) if text.strip() else " *")
        i += 1
    out.append(" */")
comment = re.compile(r"^(\s*)//(?!/)(.*)$")
for line in lines[i:]:
    m = comment.match(line)
    if m and "NOLINT" not in line:
        out.append(f"{m.group(1)}///{escape(m.group(2))}")
    else:
        out.append(line)
sys.stdout.write("\n".join(out))
