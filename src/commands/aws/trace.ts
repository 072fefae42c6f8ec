import { Flags } from "@oclif/core";
import { EgressCommand } from "../../core/base-command.js";
import { awsInputOf } from "../../core/aws-flags.js";
import { awsInputFlags, commonFlags, guarded, writeJsonOut, writeOut } from "../../core/cli.js";
import { EXIT } from "../../core/exit-codes.js";
import { readFlows } from "../../core/flows.js";
import { awsInputModel, selectSources } from "../../core/pipeline.js";
import { runTrace } from "../../core/trace.js";
import { InputError } from "../../model/errors.js";
import { AskedMissing } from "../../model/missing.js";
import { renderRunNotes, renderTraceText } from "../../report/text.js";

export default class AwsTrace extends EgressCommand {
  static override summary =
    "Trace one flow (or many with --flows) hop by hop and name the rule that decides it";
  static override examples = [
    "<%= config.bin %> aws trace --vpc vpc-0123456789abcdef0 --region us-east-1 --src i-0123456789abcdef0 --dst 8.8.8.8 --port 443",
    "<%= config.bin %> aws trace --from-dir examples/aws-shop --src i-0a1b2c3d4e5f60094 --dst 8.8.8.8 --protocol tcp --port 443",
    "<%= config.bin %> aws trace --from-dir examples/aws-shop --flows flows.jsonl --json",
  ];
  static override flags = {
    ...commonFlags,
    ...awsInputFlags,
    src: Flags.string({ description: "Source: instance id or Name tag, ENI id, private IP, or subnet id" }),
    dst: Flags.string({ description: "Destination IP address" }),
    // No oclif default: with --flows, a --protocol given on the command line would be ignored.
    protocol: Flags.string({
      description: "tcp, udp, sctp, icmp, icmpv6, all, or an IP protocol number (default: tcp)",
    }),
    port: Flags.integer({
      description: "Destination port (for ICMP: the message type; default echo request)",
      min: 0,
      max: 65535,
    }),
    "icmp-code": Flags.integer({
      description: "For ICMP: the message code (default 0), with --port as the type",
      min: 0,
      max: 255,
    }),
    flows: Flags.string({
      description: 'JSON Lines file of flows: {"src","dst","protocol","port"} per line',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AwsTrace);
    process.exitCode = await guarded(flags.debug, async () => {
      let flows;
      let where: ((i: number) => string) | undefined;
      if (flags.flows) {
        if (
          flags.src ||
          flags.dst ||
          flags.protocol !== undefined ||
          flags.port !== undefined ||
          flags["icmp-code"] !== undefined
        )
          throw new InputError(
            "use either --flows FILE or --src/--dst/--protocol/--port, not both (each line of the file gives its own)",
          );
        const file = flags.flows;
        const read = await readFlows(file);
        flows = read.flows;
        where = (i) => `${file}:${read.lines[i]}`;
      } else {
        if (!flags.src || !flags.dst) throw new InputError("--src and --dst are required (or --flows FILE)");
        flows = [
          {
            src: flags.src,
            dst: flags.dst,
            protocol: flags.protocol ?? "tcp",
            ...(flags.port !== undefined ? { port: flags.port } : {}),
            ...(flags["icmp-code"] !== undefined ? { code: flags["icmp-code"] } : {}),
          },
        ];
      }
      const input = awsInputOf(flags);
      const model = await awsInputModel(input);
      const asked = new AskedMissing(model);
      const traces = runTrace(model, flows, selectSources(model, input).sources, where, asked);
      const unknowns = asked.unknowns();
      const notes = { unknowns, warnings: model.warnings };
      if (flags.json) {
        await writeJsonOut(traces);
        // The contract's array has no room for them: on stderr, so that a JSON reader's stdout stays
        // JSON and whoever runs it still learns why it exits 3 or what may make an ALLOWED wrong.
        process.stderr.write(renderRunNotes(notes));
      } else await writeOut(renderTraceText(traces, notes));
      return unknowns.length > 0 ? EXIT.INCOMPLETE : EXIT.OK;
    });
  }
}
