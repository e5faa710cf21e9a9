"""Every app's API router is added here, under /api/v1/."""

from laurel.consultations.api import router as consultations_router
from laurel.core.api import api
from laurel.events.api import router as events_router
from laurel.honors.api import router as honors_router
from laurel.needs.api import router as needs_router
from laurel.news.api import router as news_router
from laurel.outreach.api import router as outreach_router
from laurel.people.api import router as people_router

api.add_router("/", people_router)
api.add_router("/", honors_router)
api.add_router("/", outreach_router)
api.add_router("/", needs_router)
api.add_router("/", consultations_router)
api.add_router("/", events_router)
api.add_router("/", news_router)
