/**
 * Errors thrown by code that runs in the dynamic-provider host (see README.md in this folder): tagged
 * plain Errors, never subclasses, because closure serialization rewrites classes so that
 * `super(message)` no longer sets an Error subclass's message.
 */

/** An Error named `name` carrying `tags` as own properties; recognise it by its name or tags. */
export function taggedError<T extends object>(name: string, message: string, tags: T): Error & T {
  return Object.assign(new Error(message), { name, ...tags });
}

/**
 * A failure after the resource came into being: the dynamic-provider host reads `id`, `properties` and
 * `reasons` off the error, so the engine records the resource (a later `up` or `destroy` can finish the
 * job) and shows `reasons` rather than the message.
 */
export type PartialFailure<P> = Error & { id: string; properties: P; reasons: string[] };

export function partialFailure<P>(name: string, message: string, id: string, properties: P): PartialFailure<P> {
  return taggedError(name, message, { id, properties, reasons: [message] });
}

/** The dynamic-provider host encodes outputs as a protobuf Struct, which rejects `undefined`. */
export function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
