// The one usage error of both apps lives in @vlmopt/cli-kit.
export { invalidValue, UsageError } from "@vlmopt/cli-kit";
