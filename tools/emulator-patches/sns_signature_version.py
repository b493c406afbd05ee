"""
AWS behaviour restored: SNS GetTopicAttributes answers the topic's SignatureVersion (the one set
at CreateTopic or SetTopicAttributes; "1" by default), as its API reference lists it.
Upstream gap (moto 5.2.5): SignatureVersion is stored but never answered, so every re-plan wanted
to set the alerts topic's signature version again.
"""
import inspect

from moto.sns.responses import SNSResponse

_original = SNSResponse.get_topic_attributes

if "SignatureVersion" in inspect.getsource(_original):
    raise SystemExit(f"{__file__}: moto now answers SignatureVersion in GetTopicAttributes; delete this patch")


def get_topic_attributes(self):
    result = _original(self)
    topic = self.backend.get_topic(self._get_param("TopicArn"))
    result.result["Attributes"]["SignatureVersion"] = str(getattr(topic, "signature_version", "1"))
    return result


SNSResponse.get_topic_attributes = get_topic_attributes
