"""The README's configuration and metrics references equal what the binary generates from its own
tables (`broadsheet reference`), so the documentation cannot drift from the code.
usage: check_reference.py BROADSHEET README.md"""

import subprocess
import sys

binary, readme = sys.argv[1], sys.argv[2]
generated = subprocess.run([binary, "reference"], capture_output=True, text=True, check=True).stdout
text = open(readme, encoding="utf-8").read()
begin = text.index("<!-- reference:begin")
begin = text.index("\n", begin) + 1
end = text.index("<!-- reference:end -->")
if text[begin:end] != generated:
    sys.exit("README.md's reference block differs from `broadsheet reference`; regenerate it:\n"
             + generated)
print("README reference block is current")
