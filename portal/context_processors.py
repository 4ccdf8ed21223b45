from .areas import AREAS


def navigation(request):
    return {"portal_areas": AREAS}
