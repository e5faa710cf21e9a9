"""Every app's API router is added here, under /api/v1/."""

from laurel.core.api import api
from laurel.outreach.api import router as outreach_router
from laurel.people.api import router as people_router

api.add_router("/", people_router)
api.add_router("/", outreach_router)
