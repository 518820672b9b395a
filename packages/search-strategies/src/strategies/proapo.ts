import {
  type AskContext,
  type Candidate,
  candidateKey,
  candidateOf,
  defineStrategy,
  fillTemplate,
  MAX_TEMPLATE_LENGTH,
  normalizeTemplate,
  type Proposal,
  promptClassName,
  promptSet,
  type ScoredTemplate,
  type SearchStrategy,
  type StepOutcome,
} from "@vlmopt/core";
import { z } from "zod";
import {
  classesBlock,
  parseClassDescriptions,
  SECTION_INSTRUCTION,
} from "../descriptions/class-descriptions.js";
import { llmProposal } from "../llm-proposal.js";
import { COMMON } from "../params.js";
import { parseTemplates } from "../parse-templates.js";
import { type FitnessWeights, proapoFitness } from "../proapo/fitness.js";
import { classGroups } from "../proapo/groups.js";
import { type OffspringCounts, Population } from "../proapo/population.js";
import { InitialPool, taskPhrase } from "../strategy-helpers.js";
import { CUPL_PARAMS } from "./cupl.js";
import { HillClimbDescriptionsStrategy } from "./hill-climb-descriptions.js";

const count = (d: number, what: string, max = 256) =>
  z.number().int().min(0).max(max).default(d).describe(what);

/**
 * Defaults follow the public code's `tools/configs/option.py`
 * (https://github.com/MorningStarOvO/ProAPO): 8 template epochs, 4 parents, 8 add / remove /
 * replace children per parent, 8 (templates) or 4 (descriptions) mutations, 16 crossovers, 4
 * inner epochs per group, fitness 0.1 × top-1 % − 10 × cross-entropy. Scaled down: 2 outer epochs
 * and 2 groups per epoch (the code: 3 and 4; its EuroSAT config: 2 and 1).
 */
export const PROAPO_PARAMS = z.object({
  pool: COMMON.pool("imagenet80").describe(
    "template library (the code's default: OpenAI's 80 ImageNet templates): basic, imagenet80, hand-engineered, coop, captions, none, ...",
  ),
  poolPath: COMMON.poolPath(),
  baselineTemplate: z
    .string()
    .default("a photo of a {}.")
    .describe("joins the library first; a template scoring worstDecrease below it alone is dropped"),
  llmTemplates: count(
    8,
    "templates the LLM writes once, as edits of the library's, to join it (0: none)",
    50,
  ),
  templateEpochs: count(8, "template-stage generations (the code's --epochs 8)", 100),
  parents: z
    .number()
    .int()
    .min(1)
    .max(32)
    .default(4)
    .describe("top individuals bred each generation (--num_top 4)"),
  edits: count(
    8,
    "template stage: children per parent of each edit operator, add, remove and replace (--num_add 8)",
  ),
  mutations: count(8, "template stage: random template sets of 2 + epoch per generation (--num_mutation 8)"),
  crossovers: count(16, "template stage: crossover children per generation (--num_crossover 16)"),
  maxTemplates: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe("keep at most this many library templates, the fittest alone (--num_max_prompt; null: all)"),
  templateAccuracyWeight: z
    .number()
    .min(0)
    .default(0.1)
    .describe("template-stage fitness weight of top-1 accuracy in % (--score_top_1_rate 0.1)"),
  outerEpochs: count(
    2,
    "description-stage rounds, each re-grouping the classes (--epochs_outer; code 3)",
    20,
  ),
  maxGroups: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(2)
    .describe("class groups evolved per round (--num_max_search_group; code 4)"),
  descriptionEpochs: count(4, "generations per class group (--epochs_inner 4)", 100),
  descriptionEdits: count(8, "description stage: children per parent of each of add, remove, replace"),
  descriptionMutations: count(4, "description stage: mutations per generation (--num_dependent_mutation 4)"),
  descriptionCrossovers: count(
    16,
    "description stage: crossovers per generation (--num_dependent_crossover 16)",
  ),
  descriptionAccuracyWeight: z
    .number()
    .min(0)
    .default(0.1)
    .describe("description-stage fitness weight of top-1 accuracy in %"),
  crossEntropyWeight: z
    .number()
    .min(0)
    .default(10)
    .describe("fitness weight of the cross-entropy, subtracted (--score_inter_class_score_CE 10)"),
  confuseShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.04)
    .describe(
      "a class joins a group when the group's class is mistaken for it this often (--threshold_confuse 4%)",
    ),
  maxConsidered: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe("classes put into groups per round (null: floor(10 ln C), as the code)"),
  worstDecrease: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe(
      "library filter: drop a gene whose accuracy falls this much below the baseline (null: 2/C + 0.001)",
    ),
  classesPerCall: CUPL_PARAMS.shape.classesPerCall,
  descriptionsPerClass: CUPL_PARAMS.shape.descriptionsPerClass.describe(
    "descriptions the LLM writes once per class (the description library)",
  ),
  temperature: COMMON.temperature(1),
  maxTokens: COMMON.maxTokens(4096),
  maxAttempts: z.number().int().min(1).max(10).default(2).describe("LLM calls per step until a reply parses"),
});

export type ProapoParams = z.infer<typeof PROAPO_PARAMS>;

/** A description-stage gene: a class (label index) and one of its descriptions ("" = the templates alone). */
const gene = (c: number, description: string) => JSON.stringify([c, description]);
const ungene = (g: string) => JSON.parse(g) as [number, string];

/** A class's text for one template and one description, as the code joins them (`template.format(c) + " " + d`). */
function text(template: string, className: string, description: string): string {
  const filled = fillTemplate(template, className);
  return description === "" ? filled : `${filled} ${description}`;
}

interface Stage {
  label: string;
  pop: Population;
  epochs: number;
  counts: OffspringCounts;
  weights: FitnessWeights;
  toCandidate: (genes: readonly string[]) => Candidate;
  /** The individual the library filter compares against (null: no filter). */
  baseline: readonly string[] | null;
  state: "seeds" | "filter" | "evolve" | "finished";
  epoch: number;
}

type Pending = { kind: "templates" } | { kind: "descriptions"; batch: string[] } | null;

/**
 * ProAPO (Qu et al., "ProAPO: Progressively Automatic Prompt Optimization for Visual
 * Classification", CVPR 2025, https://arxiv.org/abs/2502.19844; public code
 * https://github.com/MorningStarOvO/ProAPO, `tools/process/select_optimal_prompt.py`): an
 * evolutionary search first over template sets, then over class-specific descriptions.
 *
 * Template stage: the library (`pool`, `baselineTemplate` first, plus `llmTemplates` the LLM
 * writes once as edits of the library's) is scored template by template; templates far below the
 * baseline are dropped; `parents` random templates start the record; each of `templateEpochs`
 * generations breeds the top `parents` sets by fitness with add / remove / replace edits,
 * mutation and crossover (`../proapo/operators.ts`). The fittest set is the task's templates.
 *
 * Description stage: each of `outerEpochs` rounds groups the classes, worst first, with the
 * classes they are mistaken for (`../proapo/groups.ts`); for each of up to `maxGroups` groups the
 * LLM describes the group's classes once (section protocol, classes batched), each description is
 * scored added to the current set (and dropped when it hurts), and `descriptionEpochs`
 * generations evolve the group's descriptions the same way; the fittest set becomes current. A
 * class's texts are every template × each of its descriptions ("" = the template alone).
 *
 * Fitness is `proapoFitness`: accuracy in % × weight − cross-entropy × weight, from the details
 * core records (`wantsScoreDetails`). All randomness is `ctx.rng` in `ask`; replies are parsed in
 * `tell`, so a resumed run re-plays it exactly. Departures: packages/search-strategies/README.md.
 */
export class ProapoStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "proapo";
  readonly wantsScoreDetails = true;
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  private readonly pool: InitialPool;
  private readonly byKey = new Map<string, ScoredTemplate>();
  private readonly keyOf = new Map<string, string>();
  private synced = 0;
  private pending: Pending = null;
  private llmTemplatesAsked = false;
  private readonly llmTemplates: string[] = [];
  private stage: Stage | null = null;
  private templates: string[] | null = null;
  /** Description genes per class (label index) of the current set; [""] = templates alone. */
  private current: string[][] = [];
  private readonly library = new Map<number, string[]>();
  private readonly asked = new Map<number, number>();
  private outer = 0;
  private groups: number[][] | null = null;
  private group: number[] | null = null;
  private groupsStarted = 0;
  private currentProposed = false;
  private done = false;
  private readonly classIndex = new Map<string, number>();

  constructor(
    private readonly p: ProapoParams,
    datasetName?: string,
  ) {
    this.params = { ...p };
    this.pool = new InitialPool({ pool: p.pool, poolSize: null, poolPath: p.poolPath }, datasetName);
  }

  private sync(history: readonly ScoredTemplate[]): void {
    for (; this.synced < history.length; this.synced++) {
      const h = history[this.synced] as ScoredTemplate;
      this.byKey.set(candidateKey(candidateOf(h)), h);
    }
  }

  private entryOf(candidate: Candidate): ScoredTemplate | undefined {
    return this.byKey.get(candidateKey(candidate));
  }

  private fitnessIn(stage: Stage): (genes: readonly string[]) => number {
    return (genes) => {
      const id = JSON.stringify(genes);
      let key = this.keyOf.get(id);
      if (key === undefined) {
        key = candidateKey(stage.toCandidate(genes));
        this.keyOf.set(id, key);
      }
      const entry = this.byKey.get(key);
      return entry ? proapoFitness(entry, stage.weights) : Number.NEGATIVE_INFINITY;
    };
  }

  ask(ctx: AskContext): Proposal | null {
    this.sync(ctx.history);
    if (this.classIndex.size === 0)
      ctx.task.classNames.forEach((name, c) => {
        this.classIndex.set(name, c);
      });
    for (let guard = 0; guard < 10_000 && !this.done; guard++) {
      if (this.templates === null) {
        if (!this.llmTemplatesAsked && this.p.llmTemplates > 0) {
          this.llmTemplatesAsked = true;
          return this.templateRequest(ctx);
        }
        if (this.stage === null) this.stage = this.templateStage(ctx);
        const proposal = this.advance(this.stage, ctx);
        if (proposal) return proposal;
        const best = this.stage.pop.top(1, this.fitnessIn(this.stage))[0];
        this.templates = best && best.length > 0 ? best : [this.p.baselineTemplate];
        this.current = ctx.task.classNames.map(() => [""]);
        this.stage = null;
        continue;
      }
      if (this.stage !== null) {
        const proposal = this.advance(this.stage, ctx);
        if (proposal) return proposal;
        this.finishGroup(this.stage);
        this.stage = null;
        continue;
      }
      if (this.group !== null) {
        const request = this.descriptionRequest(ctx, this.group);
        if (request) return request;
        this.stage = this.groupStage(ctx, this.group);
        this.group = null;
        continue;
      }
      const proposal = this.nextGroup(ctx);
      if (proposal) return proposal;
    }
    return null;
  }

  /** Moves a stage on; a proposal to score, or null once the stage is finished. */
  private advance(stage: Stage, ctx: AskContext): Proposal | null {
    const fitness = this.fitnessIn(stage);
    if (stage.state === "seeds") {
      stage.state = "filter";
      const seeds = stage.pop.seeds();
      if (seeds.length > 0)
        return {
          kind: "templates",
          templates: seeds.map(stage.toCandidate),
          source: "pool",
          label: `${stage.label}: library (${seeds.length})`,
        };
    }
    if (stage.state === "filter") {
      stage.state = "evolve";
      this.filterLibrary(stage, ctx);
      // As the code, a search whose library is empty after the filter is skipped.
      if (stage.pop.library.length === 0) stage.state = "finished";
    }
    while (stage.state === "evolve") {
      if (stage.epoch >= stage.epochs) {
        stage.state = "finished";
        break;
      }
      const parents = stage.pop.top(this.p.parents, fitness);
      const children = stage.pop.generation(parents, stage.epoch, stage.counts, ctx.rng);
      stage.epoch++;
      if (children.length === 0) continue;
      return {
        kind: "templates",
        templates: children.map(stage.toCandidate),
        source: "evolution",
        label: `${stage.label}: generation ${stage.epoch}/${stage.epochs} (${children.length})`,
      };
    }
    return null;
  }

  /**
   * The library filter of the code's `build_*_prompt_memory`: a gene whose seed individual scores
   * `worstDecrease` or more below the baseline is dropped; `maxTemplates` keeps the fittest. Then
   * `parents` random library genes start the record (the code's `sample_manual`).
   */
  private filterLibrary(stage: Stage, ctx: AskContext): void {
    const fitness = this.fitnessIn(stage);
    const { pop } = stage;
    const decrease = this.p.worstDecrease ?? 2 / Math.max(1, ctx.task.classNames.length) + 0.001;
    const accuracy = (genes: readonly string[]) => this.entryOf(stage.toCandidate(genes))?.trainAccuracy;
    const base = stage.baseline ? accuracy(stage.baseline) : undefined;
    let kept = pop.library.filter((g) => {
      const a = accuracy([...pop.base, g]);
      return a !== undefined && (base === undefined || base - a < decrease);
    });
    if (
      stage.baseline &&
      pop.base.length === 0 &&
      this.p.maxTemplates !== null &&
      kept.length > this.p.maxTemplates
    ) {
      const order = kept.map((g, i) => ({ g, i, f: fitness([g]) })).sort((a, b) => b.f - a.f || a.i - b.i);
      const keep = new Set(order.slice(0, this.p.maxTemplates).map((o) => o.g));
      kept = kept.filter((g) => keep.has(g));
    }
    const filtered = new Population(kept, pop.base);
    for (const seed of pop.seeds()) filtered.markTried(seed);
    for (const g of ctx.rng.sample(kept, this.p.parents)) filtered.enter([...pop.base, g]);
    if (pop.base.length > 0) filtered.enter(pop.base);
    stage.pop = filtered;
  }

  private templateRequest(ctx: AskContext): Proposal {
    this.pending = { kind: "templates" };
    const shown = this.libraryTemplates(ctx).slice(0, 10);
    const n = this.p.llmTemplates;
    const content = [
      `I use CLIP for image classification${taskPhrase(ctx.task)}. Each class is scored with prompt templates: the class name goes in place of {} and the class embedding is the mean over the templates.`,
      "Some templates of my library:",
      ...shown.map((t) => `- ${t}`),
      "",
      `Write ${n} new templates, each an edit of one of these (add, remove or replace a few words), that could help CLIP tell the classes apart. Each must contain {} where the class name goes and be less than 15 words. Reply with only the templates, each on its own line starting with "- ".`,
    ].join("\n");
    return llmProposal(this.p, "proapo: template library (one LLM call)", [{ role: "user", content }], n);
  }

  private libraryTemplates(ctx: AskContext): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const t of [
      this.p.baselineTemplate,
      ...this.pool.templates(ctx.task.datasetName),
      ...this.llmTemplates,
    ]) {
      const key = normalizeTemplate(t);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
    return out;
  }

  private templateStage(ctx: AskContext): Stage {
    const { classNames } = ctx.task;
    return {
      label: "proapo templates",
      pop: new Population(this.libraryTemplates(ctx)),
      epochs: this.p.templateEpochs,
      counts: {
        edits: this.p.edits,
        mutations: this.p.mutations,
        crossovers: this.p.crossovers,
        crossoverMinOther: 1,
      },
      weights: { accuracy: this.p.templateAccuracyWeight, crossEntropy: this.p.crossEntropyWeight },
      toCandidate: (genes) => {
        if (genes.length === 1) return genes[0] as string;
        const prompts: Record<string, string[]> = {};
        for (const c of classNames) prompts[c] = genes.map((t) => fillTemplate(t, c));
        return promptSet(prompts);
      },
      baseline: [this.p.baselineTemplate],
      state: "seeds",
      epoch: 0,
    };
  }

  /** The full prompt set for description genes: each class's own genes in `genes`, else its current ones. */
  private descriptionSet(classNames: readonly string[], genes: readonly string[]): Candidate {
    const own = new Map<number, string[]>();
    for (const g of genes) {
      const [c, d] = ungene(g);
      own.set(c, [...(own.get(c) ?? []), d]);
    }
    const templates = this.templates ?? [this.p.baselineTemplate];
    const prompts: Record<string, string[]> = {};
    classNames.forEach((name, c) => {
      const ds = own.get(c) ?? this.current[c] ?? [""];
      prompts[name] = templates.flatMap((t) => ds.map((d) => text(t, name, d)));
    });
    return promptSet(prompts);
  }

  private currentSet(classNames: readonly string[]): Candidate {
    return this.descriptionSet(classNames, []);
  }

  /** The next class group, computed from the current set's details at the start of each round. */
  private nextGroup(ctx: AskContext): Proposal | null {
    const { classNames } = ctx.task;
    if (this.outer >= this.p.outerEpochs || this.p.descriptionEpochs === 0) {
      this.done = true;
      return null;
    }
    if (this.groups === null) {
      const candidate = this.currentSet(classNames);
      const entry = this.entryOf(candidate);
      if (!entry?.details) {
        if (this.currentProposed) {
          this.done = true;
          return null;
        }
        this.currentProposed = true;
        return {
          kind: "templates",
          templates: [candidate],
          source: "evolution",
          label: "proapo descriptions: the current set",
        };
      }
      this.currentProposed = false;
      const worstFirst = HillClimbDescriptionsStrategy.worstClasses(entry, classNames, classNames.length);
      const limit = this.p.maxConsidered ?? Math.max(1, Math.floor(10 * Math.log(classNames.length)));
      this.groups = classGroups(worstFirst, entry.details, this.p.confuseShare, limit);
      this.groupsStarted = 0;
    }
    // As the code: a group of one class is skipped, but counts towards maxGroups.
    while (this.groups.length > 0 && this.groupsStarted < this.p.maxGroups) {
      const g = this.groups.shift() as number[];
      this.groupsStarted++;
      if (g.length > 1) {
        this.group = g;
        return null;
      }
    }
    this.groups = null;
    this.outer++;
    return null;
  }

  private descriptionRequest(ctx: AskContext, group: readonly number[]): Proposal | null {
    const { classNames } = ctx.task;
    const todo = group.filter((c) => !this.library.has(c) && (this.asked.get(c) ?? 0) < 2);
    if (todo.length === 0) return null;
    const batch = todo.slice(0, this.p.classesPerCall).map((c) => classNames[c] as string);
    this.pending = { kind: "descriptions", batch };
    const names = group.map((c) => promptClassName(classNames[c] as string));
    const content = [
      `Describe what each of these classes${taskPhrase(ctx.task)} looks like in a photo. CLIP often confuses ${names.join(", ")} with one another.`,
      `Write ${this.p.descriptionsPerClass} different short visual descriptions per class that tell it apart from the others; every description must name the class.`,
      SECTION_INSTRUCTION,
      "",
      classesBlock(batch),
    ].join("\n");
    return {
      kind: "llm",
      label: `proapo descriptions: library for ${batch.map(promptClassName).join(", ")}`,
      request: {
        messages: [{ role: "user", content }],
        temperature: this.p.temperature,
        maxTokens: this.p.maxTokens,
      },
      maxAttempts: this.p.maxAttempts,
      parse: (texts) => {
        const got = this.parseDescriptions(texts, batch);
        if (got.size === 0) return [];
        const genes = [...got].flatMap(([name, ds]) => {
          const c = classNames.indexOf(name);
          return [...(this.current[c] ?? [""]), ...ds].map((d) => gene(c, d));
        });
        return [this.descriptionSet(classNames, genes)];
      },
    };
  }

  private parseDescriptions(texts: readonly string[], batch: readonly string[]): Map<string, string[]> {
    const longest = Math.max(...(this.templates ?? [this.p.baselineTemplate]).map((t) => t.length));
    const got = new Map<string, string[]>();
    for (const t of texts)
      for (const [name, ds] of parseClassDescriptions(t, batch, this.p.descriptionsPerClass)) {
        const fit = ds.filter((d) => longest + name.length + d.length + 1 <= MAX_TEMPLATE_LENGTH);
        if (fit.length > 0 && !got.has(name)) got.set(name, fit);
      }
    return got;
  }

  private groupStage(ctx: AskContext, group: readonly number[]): Stage {
    const { classNames } = ctx.task;
    const base = group.flatMap((c) => (this.current[c] ?? [""]).map((d) => gene(c, d)));
    const have = new Set(base);
    const library = group
      .flatMap((c) => (this.library.get(c) ?? []).map((d) => gene(c, d)))
      .filter((g) => !have.has(g));
    return {
      label: `proapo descriptions round ${this.outer + 1}: ${group.map((c) => promptClassName(classNames[c] as string)).join(", ")}`,
      pop: new Population(library, base),
      epochs: this.p.descriptionEpochs,
      counts: {
        edits: this.p.descriptionEdits,
        mutations: this.p.descriptionMutations,
        crossovers: this.p.descriptionCrossovers,
        crossoverMinOther: 0,
      },
      weights: { accuracy: this.p.descriptionAccuracyWeight, crossEntropy: this.p.crossEntropyWeight },
      toCandidate: (genes) => this.descriptionSet(classNames, genes),
      baseline: base,
      state: "seeds",
      epoch: 0,
    };
  }

  /** The code's `use_top1`: the group's classes take the fittest individual's descriptions. */
  private finishGroup(stage: Stage): void {
    const best = stage.pop.top(1, this.fitnessIn(stage))[0];
    if (!best) return;
    const own = new Map<number, string[]>();
    for (const g of best) {
      const [c, d] = ungene(g);
      own.set(c, [...(own.get(c) ?? []), d]);
    }
    for (const [c, ds] of own) this.current[c] = ds;
  }

  tell(outcome: StepOutcome): void {
    const pending = this.pending;
    this.pending = null;
    if (pending?.kind === "templates") {
      const seen = new Set(this.llmTemplates.map(normalizeTemplate));
      for (const t of outcome.replies.flatMap((r) => parseTemplates(r, { limit: this.p.llmTemplates }))) {
        if (this.llmTemplates.length >= this.p.llmTemplates || seen.has(normalizeTemplate(t))) continue;
        seen.add(normalizeTemplate(t));
        this.llmTemplates.push(t);
      }
    } else if (pending?.kind === "descriptions") {
      const names = pending.batch;
      for (const [name, ds] of this.parseDescriptions(outcome.replies, names)) {
        const c = this.classIndex.get(name);
        if (c !== undefined) this.library.set(c, ds);
      }
      for (const name of names) {
        const c = this.classIndex.get(name);
        if (c !== undefined) this.asked.set(c, (this.asked.get(c) ?? 0) + 1);
      }
    }
  }
}

export const proapoStrategy = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "proapo",
  description:
    "ProAPO (CVPR 2025): evolution of template sets, then of per-class descriptions by class groups; fitness = accuracy − cross-entropy",
  params: PROAPO_PARAMS,
  create: (params, context) => new ProapoStrategy(params, context?.datasetName),
});
