"""The expert-assignment engine.

The solver modules (`problem`, `solver`, `flow`, `milp`, `diagnosis`, `affinity`, `conflicts`, `report`)
import numpy, scipy and OR-Tools only, never Django: call `solver.solve(problem)` and `solver.reassign(...)`
from anywhere. `texts` (translated reasons) and the `assign_csv` command are the Django layer.
"""
