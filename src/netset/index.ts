// Public surface of the packet-set algebra. Nothing here does I/O or imports other project code.
export { NetsetInputError } from "./errors.js";
export { IntervalSet, type Range } from "./interval-set.js";
export {
  IPV4_ALL,
  IPV6_ALL,
  IP_ALL,
  PRIVATE_IPV4,
  PUBLIC_INTERNET,
  V4_OFFSET,
  cidrSet,
  formatIp,
  formatIpSet,
  isV4,
  parseCidr,
  parseIp,
  toCidrs,
} from "./ip.js";
export {
  ICMP_PROTOCOLS,
  PORT_ALL,
  PROTO,
  PROTO_ALL,
  hasPorts,
  icmpTypeCode,
  isIcmp,
  parsePortRange,
  parsePortSpec,
  parseProtocol,
  protocolLabel,
  protocolName,
  usesPortDimension,
} from "./protocol.js";
export { PacketSet, type Box, type Cube, type PortRuns } from "./packet-set.js";
