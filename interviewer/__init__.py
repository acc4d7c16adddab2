"""A mock interviewer for Python technical interviews.

Where things are: ``models`` (every data shape), ``bank`` (loading and checking
questions), ``selection`` (which question comes next), ``engine`` (the interview state
machine), ``grading`` (the graders and the one scoring function), ``store`` (the
transcript database), ``evaluation`` (agreement with human graders), ``settings`` and
``cli``.
"""

__version__ = "0.1.0"
