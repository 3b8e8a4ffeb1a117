// A serializable class in a module no remote function imports: a worker meeting its instances imports it.
import * as ray from "tsray";

export class Badge {
  constructor(public label: string) {}
  shout(): string {
    return `${this.label.toUpperCase()}!`;
  }
}
ray.registerSerializable(Badge);
