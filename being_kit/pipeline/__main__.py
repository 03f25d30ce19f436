"""`python -m being_kit.pipeline --profile tiny`."""
import sys

from being_kit.pipeline import main

sys.exit(main())
