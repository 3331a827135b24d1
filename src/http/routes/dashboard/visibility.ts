/**
 * Which members a dashboard page may show by name (pure), given the people whose numbers are
 * private to the viewer (services/team-views `viewerScope`, on the rule of domain/privacy: a
 * person is named only to themselves, or when they chose to share; member rows no person is
 * linked to are operator data and stay named). Team totals are shown only when the unnamed
 * people are none or at least the minimum group size: otherwise the totals minus the named rows
 * would give away a small group's numbers, down to one person's.
 */
import { effectiveMinGroupSize } from '../../../domain/privacy';

export interface Visibility {
  /** Member ids shown by name. */
  named: ReadonlySet<string>;
  /** How many members are counted in aggregates only. */
  unnamed: number;
  teamTotals: boolean;
}

/** Splits the workspace's members into named and unnamed for one viewer. */
export function memberVisibility(input: { memberIds: readonly string[]; hidden: ReadonlySet<string>; minGroupSize: number | null | undefined }): Visibility {
  const named = new Set(input.memberIds.filter((id) => !input.hidden.has(id)));
  const unnamed = input.memberIds.length - named.size;
  return { named, unnamed, teamTotals: unnamed === 0 || unnamed >= effectiveMinGroupSize(input.minGroupSize) };
}
