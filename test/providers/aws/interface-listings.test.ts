// An interface in both listings (describe-network-interfaces and describe-instances): listings that
// agree item by item in the same order are compared without building texts (network-interface.ts
// listedAlike); anything else takes the full comparison, which tells what differs. These cases sit at
// the edge between the two.
import { describe, expect, it } from "vitest";
import { awsModel } from "../../../src/providers/aws/index.js";
import type { NetworkModel } from "../../../src/model/types.js";
import { docsOf, tinyVpc, type Docs } from "./tiny-vpc.js";

/** The tiny VPC with eni-web listed again under an instance, as `edit` leaves that copy. */
function listedTwice(edit: (copy: Record<string, unknown>) => void): Docs {
  const d = tinyVpc();
  const web = d.NetworkInterfaces!.find(
    (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId === "eni-web",
  )!;
  const copy = structuredClone(web) as Record<string, unknown>;
  edit(copy);
  d.Reservations = [{ Instances: [{ InstanceId: "i-web", NetworkInterfaces: [copy] }] }];
  return d;
}

const about = (m: NetworkModel) => ({
  warnings: m.warnings.filter((w) => w.resource === "eni-web").map((w) => w.message),
  unknowns: m.unknowns.filter((u) => u.resource === "eni-web").map((u) => u.message),
});
const model = (d: Docs) => awsModel(docsOf(d), "test");

describe("an interface in both listings", () => {
  it("listed alike: nothing to say", () => {
    expect(about(model(listedTwice(() => {})))).toEqual({ warnings: [], unknowns: [] });
  });

  it("its groups in another order: the same groups, nothing to say", () => {
    const d = listedTwice((c) => {
      c.Groups = [{ GroupId: "sg-b" }, { GroupId: "sg-all" }];
    });
    (d.NetworkInterfaces![1] as { Groups: object[] }).Groups = [{ GroupId: "sg-all" }, { GroupId: "sg-b" }];
    expect(about(model(d))).toEqual({ warnings: [], unknowns: [] });
  });

  it("a field one listing leaves out (or prints null) is not compared", () => {
    const d = listedTwice((c) => {
      c.Groups = null;
      c.SourceDestCheck = null;
      delete c.PrivateIpAddresses;
    });
    expect(about(model(d))).toEqual({ warnings: [], unknowns: [] });
  });

  it("a public IP printed as an empty text in one listing and absent in the other is in doubt", () => {
    // The joined texts that say what differs read alike ("10.0.0.10>"), but the addresses' public IPs
    // are "" and none: which is current cannot be told.
    const d = listedTwice((c) => {
      c.PrivateIpAddresses = [{ Primary: true, PrivateIpAddress: "10.0.0.10" }];
    });
    (d.NetworkInterfaces![1] as { PrivateIpAddresses: object[] }).PrivateIpAddresses = [
      { Primary: true, PrivateIpAddress: "10.0.0.10", Association: { PublicIp: "" } },
    ];
    const m = model(d);
    expect(about(m).warnings).toEqual([]);
    expect(about(m).unknowns).toEqual([
      expect.stringMatching(
        /^describe-network-interfaces \(.*\) shows {2}for 10\.0\.0\.10 of eni-web, describe-instances \(.*\) no public IP: saved at different moments/,
      ),
    ]);
  });

  it("the same items in another order are compared as sets: a warning only where they differ", () => {
    const two = [
      { Primary: true, PrivateIpAddress: "10.0.0.10", Association: { PublicIp: "198.51.100.10" } },
      { PrivateIpAddress: "10.0.0.11" },
    ];
    const reordered = listedTwice((c) => {
      c.PrivateIpAddresses = [two[1], two[0]];
    });
    (reordered.NetworkInterfaces![1] as { PrivateIpAddresses: object[] }).PrivateIpAddresses = two;
    expect(about(model(reordered))).toEqual({ warnings: [], unknowns: [] });
    const other = listedTwice((c) => {
      c.Ipv6Addresses = [{ Ipv6Address: "2600:1f18::1" }];
    });
    (other.NetworkInterfaces![1] as { Ipv6Addresses: object[] }).Ipv6Addresses = [];
    expect(about(model(other)).warnings).toEqual([
      expect.stringMatching(/ list different Ipv6Addresses for it: /),
    ]);
  });
});
