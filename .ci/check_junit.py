"""Fails CI when a browser test was skipped or no test ran at all."""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest output

failed = False
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()  # noqa: S314
    cases = root.iter("testcase")
    e2e = [c for c in root.iter("testcase") if ".e2e." in c.get("classname", "")]
    skipped = [c.get("name") for c in e2e if c.find("skipped") is not None]
    total = sum(1 for _ in cases)
    print(f"{path}: {total} tests, {len(e2e)} browser tests, {len(skipped)} browser skipped")
    if total == 0 or not e2e or skipped:
        failed = True
        print(f"  browser tests skipped: {skipped}" if skipped else "  no tests ran")
sys.exit(1 if failed else 0)
