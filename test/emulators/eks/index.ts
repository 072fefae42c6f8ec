// A wire-level EKS emulator (REST-JSON protocol) on 127.0.0.1 for DescribeCluster: GET /clusters/{name}.
// Serves clusters in `aws eks describe-cluster` shape; timestamps go out as epoch seconds, as the
// service sends them. Errors carry the protocol's x-amzn-errortype header. Regional, as EKS is: a
// request is answered for the region its SigV4 signature names, and a cluster whose arn names a region
// is found only there.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EksEmulator {
  endpoint: string;
  requests: string[];
  /** The region each request was signed for, in the order of `requests`. */
  regions: string[];
  close(): Promise<void>;
}

export async function startEksEmulator(opts: {
  clusters: Record<string, unknown>[];
  /** Answer AccessDeniedException: everywhere (true) or in the regions listed. */
  deny?: boolean | string[];
}): Promise<EksEmulator> {
  const requests: string[] = [];
  const regions: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "";
    regions.push(region);
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        "content-type": "application/json",
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    const m = /^\/clusters\/([^/?]+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) return send(404, { message: "not found" }, "ResourceNotFoundException");
    if (opts.deny === true || (Array.isArray(opts.deny) && opts.deny.includes(region)))
      return send(
        403,
        { message: "User is not authorized to perform: eks:DescribeCluster" },
        "AccessDeniedException",
      );
    const name = decodeURIComponent(m[1]!);
    const c = opts.clusters.find(
      (x) => x.name === name && (typeof x.arn !== "string" || x.arn.split(":")[3] === region),
    );
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
    regions,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
