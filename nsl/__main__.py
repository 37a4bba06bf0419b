import sys

from nsl.cli import main

sys.exit(main())
