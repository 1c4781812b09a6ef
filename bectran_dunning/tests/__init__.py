from . import test_install
from . import test_run
from . import test_statement
from . import test_models
from . import test_wizards
from . import test_access
from . import test_review
from . import test_audit
