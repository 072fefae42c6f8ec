// The AWS CLI command that prints each top-level key the audit reads: what a message about input that
// was not saved tells the user to run (the live collector makes the same calls and names the IAM
// action of one that failed instead; test/providers/aws/save-commands.test.ts keeps the two in step).

import type { AwsKey } from "./raw.js";

/** The keys a describe command prints (not the collector's own record of its failed calls). */
export type SavedKey = Exclude<AwsKey, "EgressAuditCollectionGaps">;

const SAVED_BY: Record<SavedKey, string> = {
  Vpcs: "aws ec2 describe-vpcs",
  Subnets: "aws ec2 describe-subnets",
  RouteTables: "aws ec2 describe-route-tables",
  NetworkAcls: "aws ec2 describe-network-acls",
  SecurityGroups: "aws ec2 describe-security-groups",
  NetworkInterfaces: "aws ec2 describe-network-interfaces",
  Reservations: "aws ec2 describe-instances",
  InternetGateways: "aws ec2 describe-internet-gateways",
  EgressOnlyInternetGateways: "aws ec2 describe-egress-only-internet-gateways",
  NatGateways: "aws ec2 describe-nat-gateways",
  Addresses: "aws ec2 describe-addresses",
  PrefixLists: "aws ec2 describe-prefix-lists",
  ManagedPrefixLists: "aws ec2 describe-managed-prefix-lists",
  VpcEndpoints: "aws ec2 describe-vpc-endpoints",
  VpcPeeringConnections: "aws ec2 describe-vpc-peering-connections",
  EksClusters: "aws eks describe-cluster",
  VpcBlockPublicAccessOptions: "aws ec2 describe-vpc-block-public-access-options",
  VpcBlockPublicAccessExclusions: "aws ec2 describe-vpc-block-public-access-exclusions",
  EnableDnsSupport: "aws ec2 describe-vpc-attribute --attribute enableDnsSupport",
  InstanceTypes: "aws ec2 describe-instance-types",
  ByoipCidrs: "aws ec2 describe-byoip-cidrs",
};

/** The command whose output holds `key`, e.g. "aws ec2 describe-network-acls" for NetworkAcls. */
export function saveCommand(key: SavedKey): string {
  return SAVED_BY[key];
}

/** "aws ec2 describe-network-acls was not saved": why the input has no `key` (offline). */
export function notSavedText(key: SavedKey): string {
  return `${SAVED_BY[key]} was not saved`;
}
