"""/api/v1/: every router on the one API object."""

from thidua.api.v1 import campaigns, figures, initiatives, me, submissions, units
from thidua.api.v1.base import api

api.add_router("", me.router)
api.add_router("", units.router)
api.add_router("", campaigns.router)
api.add_router("", submissions.router)
api.add_router("", figures.router)
api.add_router("", initiatives.router)

urls = api.urls
