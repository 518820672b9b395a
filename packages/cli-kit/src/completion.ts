import type { Command } from "@commander-js/extra-typings";

/** The shells `completion` writes a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandNode {
  /** Words after the program's name, e.g. ["models", "list"]; [] for the program itself. */
  path: string[];
  summary: string;
  subcommands: string[];
  /** Long flags, e.g. "--shots". */
  options: string[];
  /** Options with their one-line descriptions, for fish. */
  described: { long: string; description: string }[];
}

// biome-ignore lint/suspicious/noExplicitAny: any command of any option shape is walked the same way.
type AnyCommand = Command<any, any, any>;

function walk(cmd: AnyCommand, path: string[], out: CommandNode[]): CommandNode[] {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const options = cmd.options.filter((o) => o.long && !o.hidden);
  out.push({
    path,
    summary: cmd.summary() || cmd.description().split("\n")[0] || "",
    subcommands: visible.map((c) => c.name()),
    options: [...options.map((o) => o.long as string), "--help"],
    described: options.map((o) => ({ long: o.long as string, description: o.description })),
  });
  for (const sub of visible) walk(sub as AnyCommand, [...path, sub.name()], out);
  // The implicit `help [command]` is not in cmd.commands; it completes like any command.
  if (path.length === 0 && visible.length > 0) out[0]?.subcommands.push("help");
  return out;
}

const fnName = (program: string) => `_${program.replace(/[^A-Za-z0-9]/g, "_")}_complete`;

/**
 * A bash completion function over the command tree: it walks the words typed so far to the
 * deepest known command and offers that command's sub-commands and flags. Uses bash's
 * programmable completion builtins `complete -F` and `compgen -W`
 * (https://www.gnu.org/software/bash/manual/html_node/Programmable-Completion-Builtins.html).
 */
function bashScript(program: string, nodes: CommandNode[]): string {
  const paths = nodes.filter((n) => n.path.length > 0).map((n) => `"${n.path.join(" ")}"`);
  const cases = nodes
    .map((n) => `    "${n.path.join(" ")}") words="${[...n.subcommands, ...n.options].join(" ")}" ;;`)
    .join("\n");
  return `# ${program} completion for bash: eval "$(${program} completion bash)" (or save it in ~/.local/share/bash-completion/completions/${program})
${fnName(program)}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ "\${COMP_WORDS[i]}" == -* ]] && continue
    next="\${path:+$path }\${COMP_WORDS[i]}"
    case "$next" in
      ${paths.join("|") || '""'}) path="$next" ;;
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fnName(program)} ${program}
`;
}

/**
 * zsh runs the bash function through its bash-completion emulation (`bashcompinit`, zsh's
 * zshcompsys manual: "bashcompinit ... provides a function complete with the same syntax as bash").
 */
function zshScript(program: string, nodes: CommandNode[]): string {
  return `#compdef ${program}
# ${program} completion for zsh: eval "$(${program} completion zsh)" in ~/.zshrc
autoload -U +X bashcompinit && bashcompinit
${bashScript(program, nodes).split("\n").slice(1).join("\n")}`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * fish `complete` lines (https://fishshell.com/docs/current/cmds/complete.html): `-n` conditions
 * with __fish_seen_subcommand_from pick the command; `-a` offers sub-commands, `-l` long flags.
 */
function fishScript(program: string, nodes: CommandNode[]): string {
  const lines = [`# ${program} completion for fish: ${program} completion fish | source`];
  const byPath = new Map(nodes.map((n) => [n.path.join(" "), n]));
  for (const node of nodes) {
    const cond =
      node.path.length === 0
        ? "__fish_use_subcommand"
        : node.path.map((w) => `__fish_seen_subcommand_from ${w}`).join("; and ");
    const subs = node.subcommands;
    const notSub = subs.length > 0 ? `; and not __fish_seen_subcommand_from ${subs.join(" ")}` : "";
    for (const sub of subs) {
      const child = byPath.get([...node.path, sub].join(" "));
      lines.push(
        `complete -c ${program} -f -n ${fishQuote(cond + notSub)} -a ${sub} -d ${fishQuote(child?.summary ?? "")}`,
      );
    }
    for (const o of node.described) {
      lines.push(
        `complete -c ${program} -n ${fishQuote(cond + notSub)} -l ${o.long.replace(/^--/, "")} -d ${fishQuote(o.description.split(/[;(]/)[0]?.trim() ?? "")}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The completion script of `program` for `shell`, from its commander tree. */
export function completionScript(program: AnyCommand, shell: Shell): string {
  const nodes = walk(program, [], []);
  const name = program.name();
  if (shell === "bash") return bashScript(name, nodes);
  if (shell === "zsh") return zshScript(name, nodes);
  return fishScript(name, nodes);
}
