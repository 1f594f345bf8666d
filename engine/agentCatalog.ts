import type { AgentDefinition } from './agent.js';

/** Every organization's agents, looked up by `serviceHost`. */
export class AgentCatalog {
  readonly #orgs = new Map<string, Map<string, AgentDefinition>>();
  readonly #byPhoneNumber = new Map<string, AgentDefinition>();

  constructor(agents: Iterable<AgentDefinition>) {
    for (const agent of agents) {
      let org = this.#orgs.get(agent.org);
      if (org === undefined) this.#orgs.set(agent.org, (org = new Map()));
      org.set(agent.name, agent);
      for (const number of agent.phoneNumbers) this.#byPhoneNumber.set(number, agent);
    }
  }

  /** The agent that answers Call Control calls to `number` (E.164), if any. */
  byPhoneNumber(number: string): AgentDefinition | undefined {
    return this.#byPhoneNumber.get(number);
  }

  /** The agent `name` of `org`, if both exist. */
  find(org: string, name: string): AgentDefinition | undefined {
    return this.#orgs.get(org)?.get(name);
  }

  /** True when the organization exists. */
  hasOrg(org: string): boolean {
    return this.#orgs.has(org);
  }

  /** Organization names, sorted. */
  orgs(): string[] {
    return [...this.#orgs.keys()].sort();
  }

  /** Agents, sorted by organization then name; optionally of one organization. */
  agents(org?: string): AgentDefinition[] {
    const result: AgentDefinition[] = [];
    for (const orgName of this.orgs()) {
      if (org !== undefined && org !== orgName) continue;
      const agents = this.#orgs.get(orgName)!;
      for (const name of [...agents.keys()].sort()) result.push(agents.get(name)!);
    }
    return result;
  }
}
