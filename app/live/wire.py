"""How the Socket.IO server reads packets off the wire: as python-socketio does,
except that a packet whose data is not JSON (cut short, malformed, or nested deeper
than the decoder goes) reads as a marker event rather than raising.

Raising there happens before any handler runs: the client's acknowledgement is never
answered and the server logs a traceback per frame. As a marker, the event reaches the
namespace like any other, which answers it `invalid`; a connect packet's malformed
auth reads as a list, which the connect handler refuses. Only Socket.IO packets read
this way: Engine.IO's own (pings, the "probe") rely on JSON failing.
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


class Packet(packet.Packet):
    """Passed to the server as its `serializer` (the packet class it builds)."""
    json = _JSON
