// A minimal SMTP server on a free loopback port that keeps every message in memory, so a
// browser test can follow the personal link of an invitation. Plain SMTP, no TLS.

import net from "node:net";

export async function startSmtpSink() {
  const messages = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let data = "";
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      let i;
      while ((i = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(data);
            data = "";
            socket.write("250 queued\r\n");
          } else {
            data += (line.startsWith("..") ? line.slice(1) : line) + "\r\n";
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 sink\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go on\r\n");
        } else if (verb === "QUIT") {
          socket.write("221 bye\r\n");
          socket.end();
        } else socket.write("250 ok\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    messages,
    stop: () => server.close(),
  };
}

/// The personal link `/s/{token}` in a message, whatever its transfer encoding.
export function personalLink(message) {
  const unfolded = message.replace(/=\r\n/g, "");
  let m = unfolded.match(/\/s\/([A-Za-z0-9_-]{20,})/);
  if (m) return `/s/${m[1]}`;
  for (const block of message.split(/\r\n\r\n/)) {
    const text = Buffer.from(block.replace(/\s+/g, ""), "base64").toString("utf8");
    m = text.match(/\/s\/([A-Za-z0-9_-]{20,})/);
    if (m) return `/s/${m[1]}`;
  }
  return null;
}
