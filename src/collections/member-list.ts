// The members of a long-lived owner that come and go at the rate of requests: the runs listening
// on the daemon's shutdown switch, a door's open sockets.
//
// Not a Set or a Map. V8 keeps those in a hash table that it replaces with a new one as members
// come and go, and the replaced table keeps pointing at every member it held. Once the owner is
// old, so is that table: a young collection takes it for alive (only a full collection knows
// better) and so keeps its members alive too, and everything they reach: a run's whole closure
// graph, a socket and its listeners. Measured on the daemon (one `/bin/true` per connection, 8
// clients): 5.4 KB a request survived into the old generation that way, 17-25 µs a request of
// young collections on the event loop. An array keeps one backing store, and a member that leaves
// is overwritten in it.
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
