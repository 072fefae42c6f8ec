import { EgressCommand } from "../../core/base-command.js";
import { runAudit } from "../../core/audit.js";
import { awsInputOf } from "../../core/aws-flags.js";
import {
  auditFlags,
  awsInputFlags,
  commonFlags,
  guarded,
  isInternetOnly,
  parseDest,
  parsePorts,
  writeJsonOut,
  writeOut,
} from "../../core/cli.js";
import { EXIT } from "../../core/exit-codes.js";
import { awsInputModel, selectSources } from "../../core/pipeline.js";
import { renderAuditText } from "../../report/text.js";

export default class Aws extends EgressCommand {
  static override summary =
    "Audit the egress of AWS VPCs: which ports reach the internet, from which IP, and what blocks the rest";
  static override examples = [
    "<%= config.bin %> aws --vpc vpc-0123456789abcdef0 --region us-east-1",
    "<%= config.bin %> aws --cluster prod-eks --region eu-west-1",
    "<%= config.bin %> aws --from-dir examples/aws-shop",
    "<%= config.bin %> aws --from-dir ./snapshot --ports tcp/443,udp/53 --json",
  ];
  static override flags = { ...commonFlags, ...awsInputFlags, ...auditFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Aws);
    process.exitCode = await guarded(flags.debug, async () => {
      const ports = parsePorts(flags.ports);
      const dest = parseDest(flags.dest);
      const input = awsInputOf(flags);
      const model = await awsInputModel(input);
      const { sources, unaudited } = selectSources(model, input);
      const result = runAudit(model, {
        ports,
        portsText: flags.ports,
        dest,
        destText: flags.dest,
        sources,
        unaudited,
        scope: { vpcs: input.vpcIds, cluster: input.cluster },
        ownNetworkExcluded: isInternetOnly(flags.dest),
      });
      if (flags.json) await writeJsonOut(result);
      else await writeOut(renderAuditText(result));
      // The model's unknowns and the data missing for what this audit asked (see AskedMissing).
      return result.unknowns.length > 0 ? EXIT.INCOMPLETE : EXIT.OK;
    });
  }
}
