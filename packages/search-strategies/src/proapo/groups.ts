import type { ScoreDetails } from "@vlmopt/core";

/**
 * ProAPO's group sampling: instead of evolving every class's descriptions at once, it evolves
 * small groups of classes that are confused with one another, starting from the classes that do
 * worst. After `get_acc_scores_and_dict_quick_and_group`
 * (https://github.com/MorningStarOvO/ProAPO/blob/main/tools/models/APO_score_func/get_score_based_ACC.py):
 * classes are taken worst first; each one not yet grouped opens a group and pulls in every class
 * its images are mistaken for in at least `confuseShare` of cases (the code: `threshold_confuse`
 * = 4%); grouping stops once `maxConsidered` classes are in groups (the code: ⌊10 ln C⌋).
 * Departure: the code orders classes by their own cross-entropy and counts top-5 confusions; core
 * records per-class top-1 accuracy and the 10 most frequent top-1 confusions, so `worstFirst` is
 * hill-climb-descriptions' order (lowest accuracy, then most often mistaken, then label order) and
 * top-1 confusions count.
 */
export function classGroups(
  worstFirst: readonly number[],
  details: ScoreDetails,
  confuseShare: number,
  maxConsidered: number,
): number[][] {
  const grouped = new Set<number>();
  const groups: number[][] = [];
  for (const c of worstFirst) {
    if (grouped.size >= maxConsidered) break;
    if (grouped.has(c)) continue;
    const group = [c];
    grouped.add(c);
    const partners = details.confused
      .filter((x) => x.actual === c && x.share >= confuseShare && !grouped.has(x.predicted))
      .sort((a, b) => b.share - a.share || a.predicted - b.predicted);
    for (const x of partners) {
      group.push(x.predicted);
      grouped.add(x.predicted);
    }
    groups.push(group);
  }
  return groups;
}
