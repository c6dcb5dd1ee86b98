from decimal import Decimal

from ecosys.land import services
from ecosys.land.models import Parcel, Zone


def test_flow(zone, project, company_user, land_officer):
    assert abs(zone.area_m2 - Decimal(30000)) < 1
    parcels = {p.code: p for p in zone.parcels.all()}
    assert sorted(parcels["P00"].neighbours) == ["P01", "P10"]
    request = services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)
    services.reserve(actor=land_officer, request=request, parcels=[parcels["P00"], parcels["P01"]])
    services.allocate(actor=land_officer, request=request)
    assert Zone.objects.get().allocated_m2 > 9999
    assert Parcel.objects.filter(status="allocated").count() == 2
