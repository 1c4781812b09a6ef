from . import ir_actions_report
from . import statement
