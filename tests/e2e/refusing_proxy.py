"""A loopback HTTP proxy that refuses WebSocket upgrades, as some carriers', offices' and
public Wi-Fi proxies do: the first request of each connection is read, a Socket.IO
WebSocket handshake is answered 403, anything else is passed on to the server.

The page is opened at the proxy's address, so the server would see another origin;
the proxy writes the server's address in its place (Host and Origin headers), as a
reverse proxy that sets them would.
"""
import socket
import threading


class WebSocketRefusingProxy:
    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.refused = 0
        self._open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _rewrite(self, data):
        return data.replace(f"127.0.0.1:{self.port}".encode(), f"127.0.0.1:{self.target_port}".encode())

    def _serve(self, client):
        first = client.recv(65536)
        if b"transport=websocket" in first.split(b"\r\n", 1)[0]:
            self.refused += 1
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            client.close()
            return
        server = socket.create_connection(("127.0.0.1", self.target_port))
        self._open += [client, server]
        server.sendall(self._rewrite(first))
        threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
        self._pipe(server, client, False)

    def _pipe(self, source, sink, upstream):
        try:
            while data := source.recv(65536):
                sink.sendall(self._rewrite(data) if upstream else data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.close()
                except OSError:
                    pass

    def close(self):
        self.listener.close()
        for end in self._open:
            try:
                end.close()
            except OSError:
                pass
