// A wire-level EKS emulator (REST-JSON protocol) on 127.0.0.1 for DescribeCluster: GET /clusters/{name}.
// Serves clusters in `aws eks describe-cluster` shape; timestamps go out as epoch seconds, as the
// service sends them. Errors carry the protocol's x-amzn-errortype header.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EksEmulator {
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startEksEmulator(opts: {
  clusters: Record<string, unknown>[];
  deny?: boolean;
}): Promise<EksEmulator> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        "content-type": "application/json",
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    const m = /^\/clusters\/([^/?]+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) return send(404, { message: "not found" }, "ResourceNotFoundException");
    if (opts.deny)
      return send(
        403,
        { message: "User is not authorized to perform: eks:DescribeCluster" },
        "AccessDeniedException",
      );
    const name = decodeURIComponent(m[1]!);
    const c = opts.clusters.find((x) => x.name === name);
    if (!c) return send(404, { message: `No cluster found for name: ${name}.` }, "ResourceNotFoundException");
    const wire = {
      ...c,
      ...(typeof c.createdAt === "string" ? { createdAt: Date.parse(c.createdAt) / 1000 } : {}),
    };
    send(200, { cluster: wire });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
