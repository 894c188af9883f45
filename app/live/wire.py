"""How the Socket.IO server reads packets off the wire: as python-socketio does,
except that a packet whose data is not JSON (cut short, malformed, or nested deeper
than the decoder goes) reads as a marker event rather than raising.

Raising there happens before any handler runs: the client's acknowledgement is never
answered and the server logs a traceback per frame. As a marker, the event reaches the
namespace like any other, which answers it `invalid`; a connect packet's malformed
auth reads as a list, which the connect handler refuses. Only Socket.IO packets read
this way: Engine.IO's own (pings, the "probe") rely on JSON failing. An event whose
data is JSON but not an event (no name, a name that is not text, not a list) and a
packet no client sends read as the marker too.
"""
import json

from socketio import packet

MALFORMED = "\x00malformed"


class _JSON:
    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text, **kwargs):
        try:
            return json.loads(text, **kwargs)
        except (ValueError, RecursionError):
            return [MALFORMED]


# What a client may send. Anything else (a CONNECT_ERROR, which only servers send, or a
# type that does not exist) is read as a malformed event too.
CLIENT_TYPES = frozenset((packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK,
                          packet.BINARY_EVENT, packet.BINARY_ACK))


def _named(data):
    return isinstance(data, list) and bool(data) and isinstance(data[0], str)


class Packet(packet.Packet):
    """Passed to the server as its `serializer` (the packet class it builds)."""
    json = _JSON

    def decode(self, encoded_packet):
        """As python-socketio decodes, but an event must be a list led by its name, and a
        packet of a type no client sends, or that does not parse, is a malformed event."""
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, TypeError):  # not a number for a type, an id too long, bytes
            attachments = 0
            self.packet_type = None
        if self.packet_type not in CLIENT_TYPES or (
                self.packet_type in (packet.BINARY_EVENT, packet.BINARY_ACK) and not attachments):
            # Nothing a client sends: dropped unanswered (no ack id), with no traceback. A
            # binary packet with no attachments would take every later packet for one.
            self.packet_type, self.data, self.id, attachments = packet.EVENT, [MALFORMED], None, 0
        elif self.packet_type in (packet.EVENT, packet.BINARY_EVENT) and not _named(self.data):
            self.data = [MALFORMED]
        return attachments
