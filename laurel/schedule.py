"""The scheduler's job table (`manage.py scheduler`, `laurel/core/scheduler.py`): what runs when, cluster-wide.

Each entry names a django.tasks task by its dotted path (the workers run it) and either `every=` (a period) or `at=`
(a time of day in LAUREL_TIME_ZONE). Every task here must be idempotent: a task whose worker died is run again.
To add a job, add a line; `LAUREL_SCHEDULE_EVERY=name=seconds,...` overrides a job's cadence on one installation.
"""

import datetime

from laurel.core.scheduler import Job

minutes = datetime.timedelta(minutes=1)

JOBS = [
    # Tasks a killed worker left running go back to the queue (their worker stopped beating for a minute).
    Job("requeue_stuck_tasks", "laurel.core.tasks.requeue_stuck_tasks", every=1 * minutes),
    # Article view counts waiting in the cache reach the database.
    Job("flush_view_counts", "laurel.news.tasks.flush_view_counts", every=1 * minutes),
    # Talk reminders two days / one day before (each sent once).
    Job("send_talk_reminders", "laurel.outreach.tasks.send_talk_reminders_task", at=datetime.time(8, 0)),
    # Experts with reviews still open in the three days before their review deadline (the campaign's, or their own
    # when staff extended it): one reminder a day (mail and desk notice), in the morning like the talk reminders.
    Job("send_review_reminders", "laurel.honors.tasks.send_review_reminders_task", at=datetime.time(8, 0)),
    # Talk requests whose preferred dates passed: expired, the host told.
    Job("expire_talk_requests", "laurel.outreach.tasks.expire_talk_requests_task", at=datetime.time(0, 30)),
    # Published technical needs whose deadline has passed: expired, off the board, the poster told.
    Job("expire_needs", "laurel.needs.tasks.expire_needs_task", at=datetime.time(0, 40)),
    # Delphi rounds closing within a day: experts who have not rated everything are reminded (each once).
    Job("send_round_reminders", "laurel.consultations.tasks.send_round_reminders_task", every=60 * minutes),
    # The certificates' revocation status list, signed anew every night (revocations republish it at once).
    # The site search's index written anew (services keep it current; this catches renamed units and groups).
    Job("rebuild_search_index", "laurel.news.tasks.rebuild_search_index", at=datetime.time(3, 30)),
    Job("refresh_status_list", "laurel.certificates.tasks.refresh_status_list", at=datetime.time(3, 0)),
]
