import sys

from reportgen.commands.main import main

sys.exit(main())
