/**
 * Patching an event's channels together (staff: the event's `patch` ability): tick two or more
 * channels and Patch, so that a transmission on any of them is heard on all; each patch listed
 * with Unpatch. Others see the links on the channel list instead.
 */
import type { EventWithChannels } from "@won/protocol";
import { useState } from "react";
import { describeError } from "../../api/problem";
import { patchable, patchTitle } from "../../patches/patch-view";
import { useCreatePatch, useDeletePatch, usePatches } from "../../state/queries/patches";

export function EventPatches({ event: ev }: { event: EventWithChannels }) {
  const patches = usePatches(ev.id);
  const create = useCreatePatch(ev.id);
  const remove = useDeletePatch(ev.id);
  const [picked, setPicked] = useState<string[]>([]);
  if (!ev.abilities.patch || ev.channels.length < 2) return null;
  const list = patches.data ?? [];
  const free = patchable(ev.channels, list);
  const error = create.error ?? remove.error ?? patches.error;
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));

  return (
    <section className="card" aria-labelledby="patches-title" data-testid="patches">
      <h2 id="patches-title">Patches</h2>
      <p className="muted small">Patched channels share one floor: whoever talks on one is heard on all.</p>
      {error && <p className="form-error">{describeError(error)}</p>}
      {list.length > 0 && (
        <ul className="list" data-testid="patch-list">
          {list.map((p) => (
            <li key={p.id} className="list-item">
              <span className="title">{patchTitle(p, ev.channels)}</span>
              <button
                type="button"
                className="btn small"
                disabled={remove.isPending}
                onClick={() => remove.mutate(p.id)}
              >
                Unpatch
              </button>
            </li>
          ))}
        </ul>
      )}
      {free.length >= 2 && (
        <form
          className="stack-top"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(picked, { onSuccess: () => setPicked([]) });
          }}
        >
          <fieldset className="patch-pick">
            <legend className="small">Channels to patch</legend>
            {free.map((c) => (
              <label key={c.id} className="row small">
                <input
                  type="checkbox"
                  className="check"
                  checked={picked.includes(c.id)}
                  onChange={(e) => toggle(c.id, e.target.checked)}
                />
                # {c.name}
              </label>
            ))}
          </fieldset>
          <button
            type="submit"
            className="btn small primary"
            disabled={picked.length < 2 || create.isPending}
          >
            Patch
          </button>
        </form>
      )}
    </section>
  );
}
