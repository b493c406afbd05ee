"""
AWS behaviour restored: SES v2 configuration sets have event destinations, created, read,
updated and deleted with Create/Get/Update/DeleteConfigurationSetEventDestination(s) (API
reference); an SNS destination receives the matching events.
Upstream gap (moto 5.2.5): none of the four is implemented in the v2 API (only v1 has event
destinations). The destinations are stored and answered; moto sends no events.
"""
import json

from moto.sesv2 import urls
from moto.sesv2.responses import SESV2Response

if hasattr(SESV2Response, "create_configuration_set_event_destination"):
    raise SystemExit(f"{__file__}: moto now implements v2 event destinations; delete this patch")


def _destinations(response):
    config_set = response.sesv2_backend.get_configuration_set(response._get_param("ConfigurationSetName"))
    if not hasattr(config_set, "event_destinations_v2"):
        config_set.event_destinations_v2 = {}
    return config_set.event_destinations_v2


def create_configuration_set_event_destination(self):
    destination = dict(self._get_param("EventDestination") or {})
    destination.setdefault("Enabled", False)
    _destinations(self)[self._get_param("EventDestinationName")] = destination
    return json.dumps({})


def get_configuration_set_event_destinations(self):
    return json.dumps(
        {"EventDestinations": [{"Name": name, **destination} for name, destination in _destinations(self).items()]}
    )


def update_configuration_set_event_destination(self):
    return create_configuration_set_event_destination(self)


def delete_configuration_set_event_destination(self):
    _destinations(self).pop(self._get_param("EventDestinationName"), None)
    return json.dumps({})


_path = "{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)/event-destinations"
urls.url_paths[_path + "$"] = SESV2Response.dispatch
urls.url_paths[_path + "/(?P<EventDestinationName>[^/]+)$"] = SESV2Response.dispatch

for _handler in (
    create_configuration_set_event_destination,
    get_configuration_set_event_destinations,
    update_configuration_set_event_destination,
    delete_configuration_set_event_destination,
):
    setattr(SESV2Response, _handler.__name__, _handler)
