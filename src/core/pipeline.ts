// Input -> model: offline folders today (live collection joins here with the same raw documents).
import { InputError } from "../model/errors.js";
import type { NetworkModel } from "../model/types.js";
import { awsModel } from "../providers/aws/index.js";
import { loadDir } from "./load-dir.js";

export type Provider = "aws";

export async function loadModel(provider: Provider, fromDir: string): Promise<NetworkModel> {
  const docs = await loadDir(fromDir);
  switch (provider) {
    case "aws":
      return awsModel(docs, fromDir);
    default:
      throw new InputError(`unsupported provider ${String(provider)}`);
  }
}
