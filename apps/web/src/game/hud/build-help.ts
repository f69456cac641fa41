import { buildCost, type Content, StructureKind, structureName } from '@perihelion/game';

/** "40 ore", "25 ore 40 cr": what a structure costs, in the fewest words. */
function costText(kind: string, content: Content): string {
  const { ore, credits } = buildCost(kind, content);
  return [`${ore} ore`, ...(credits > 0 ? [`${credits} cr`] : [])].join(' ');
}

/** The HUD's one line on building and mining, with the costs from the content this page knows. */
export function buildHelpText(content: Content): string {
  const item = (key: string, kind: string) =>
    Object.hasOwn(content.structures, kind)
      ? [`${key} ${structureName(kind, content)} ${costText(kind, content)}`]
      : [];
  return [
    ...item('1', StructureKind.StationCore),
    ...item('2', StructureKind.ShieldModule),
    'X cancel build',
    'Space / E mine',
    'N notifications',
  ].join(' · ');
}
