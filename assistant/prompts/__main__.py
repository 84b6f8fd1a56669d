"""`python -m assistant.prompts --pin`: re-pin every prompt file's hash to its version."""

import json
import sys

from assistant.prompts import pin

if sys.argv[1:] == ["--pin"]:
    print(json.dumps(pin(), ensure_ascii=False, indent=2))
else:
    print("usage: python -m assistant.prompts --pin")
