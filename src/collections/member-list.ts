// The members of a long-lived owner that come and go at the rate of requests: the runs listening
// on the daemon's shutdown switch, a door's open sockets.
//
// Not a Set or a Map. With a member added and removed per request, a long-lived Set kept each
// member (a run's whole closure graph, a socket and its listeners) alive through young
// collections until the next full one. Measured on the daemon (one `/bin/true` per connection, 8
// clients): 3.9 KB a request reached the old generation that way (README, Benchmarks: "Young
// garbage"). runCommand alone, its cancel signal a plain Set of listeners, shows it too (2.5 KB
// a run; 0.14 KB with an array). As far as we can tell, V8 replaces a Set's hash table as
// members come and go, and the replaced table, once old, still points at the members it held.
// An array keeps one backing store, and a member that leaves is overwritten in it.
export class MemberList<T> {
  readonly #members: T[] = [];

  get size(): number {
    return this.#members.length;
  }

  add(member: T): void {
    this.#members.push(member);
  }

  // Removes one occurrence; false when it is not a member. Searched from the newest end; the
  // last member takes the freed place, so the order of members is not kept.
  delete(member: T): boolean {
    const members = this.#members;
    const index = members.lastIndexOf(member);
    if (index === -1) return false;
    const last = members.pop() as T;
    if (index < members.length) members[index] = last;
    return true;
  }

  // The members now, as a copy: safe to walk while members leave.
  values(): T[] {
    return this.#members.slice();
  }
}
