/**
 * Facts from an Amber topology (prmtop) file, read by the format's own %FLAG/%FORMAT headers
 * (Amber file formats: https://ambermd.org/FileFormats.php#topology): atom count, S–S bonds, net charge.
 */

/** Amber stores charges multiplied by 18.2223 (sqrt of the Coulomb constant in kcal·Å/mol/e²). */
export const AMBER_CHARGE_SCALE = 18.2223;

export interface TopologyFacts {
  atoms: number;
  /** bonds between two atoms named SG (cystine bridges) */
  disulfides: number;
  /** net charge in elementary charges */
  charge: number;
  residues: Record<string, number>;
}

/** Each %FLAG section's fields, split by the fixed width its %FORMAT gives (e.g. 10I8, 20a4, 5E16.8). */
export function prmtopSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let name: string | undefined;
  let width = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("%FLAG ")) {
      name = line.slice(6).trim();
      sections.set(name, []);
      width = 0;
    } else if (line.startsWith("%FORMAT(")) {
      const match = /^%FORMAT\((\d+)([a-zA-Z])(\d+)/.exec(line);
      if (!match || name === undefined) throw new Error(`prmtop: cannot read ${line.trim()}`);
      width = Number(match[3]);
    } else if (name !== undefined && width > 0 && !line.startsWith("%")) {
      const fields = sections.get(name)!;
      for (let at = 0; at < line.trimEnd().length; at += width) fields.push(line.slice(at, at + width).trim());
    }
  }
  return sections;
}

function section(sections: Map<string, string[]>, name: string): string[] {
  const fields = sections.get(name);
  if (!fields) throw new Error(`prmtop: no %FLAG ${name} section`);
  return fields;
}

export function topologyFacts(text: string): TopologyFacts {
  const sections = prmtopSections(text);
  const atoms = Number(section(sections, "POINTERS")[0]);
  const names = section(sections, "ATOM_NAME");
  const charges = section(sections, "CHARGE").map(Number);
  if (names.length !== atoms || charges.length !== atoms)
    throw new Error(`prmtop: ${atoms} atoms but ${names.length} names and ${charges.length} charges`);
  // Bond entries are triples (3·i, 3·j, type) with 0-based atom indices; S–S bonds have no hydrogen.
  const bonds = section(sections, "BONDS_WITHOUT_HYDROGEN").map(Number);
  let disulfides = 0;
  for (let k = 0; k + 2 < bonds.length; k += 3) {
    if (names[bonds[k] / 3] === "SG" && names[bonds[k + 1] / 3] === "SG") disulfides += 1;
  }
  const residues: Record<string, number> = {};
  for (const label of section(sections, "RESIDUE_LABEL")) residues[label] = (residues[label] ?? 0) + 1;
  const charge = charges.reduce((sum, q) => sum + q, 0) / AMBER_CHARGE_SCALE;
  return { atoms, disulfides, charge, residues };
}
