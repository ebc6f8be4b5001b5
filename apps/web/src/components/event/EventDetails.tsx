/** An event's details card: description, times and member count, and the edit form when allowed. */
import { type EventWithChannels, PatchEventBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { formErrorsOf } from "../../api/problem";
import { zodFieldErrors } from "../../forms/zod-errors";
import { useUpdateEvent } from "../../state/queries/events";
import { EventForm, type EventFormValues, eventBodyFrom, formValuesOf } from "../EventForm";
import { FormError } from "../ui";

export function EventDetails({ event: ev }: { event: EventWithChannels }) {
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-labelledby="details-title">
      <div className="row">
        <h2 id="details-title">Details</h2>
        <span className="spacer" />
        {ev.abilities.edit && !editing && (
          <button type="button" className="btn small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <EditEvent eventId={ev.id} initial={formValuesOf(ev)} onDone={() => setEditing(false)} />
      ) : (
        <>
          {ev.description ? <p>{ev.description}</p> : <p className="muted">No description.</p>}
          <dl className="details">
            {ev.startsAt && (
              <>
                <dt>Starts</dt>
                <dd>{new Date(ev.startsAt).toLocaleString()}</dd>
              </>
            )}
            {ev.endsAt && (
              <>
                <dt>Ends</dt>
                <dd>{new Date(ev.endsAt).toLocaleString()}</dd>
              </>
            )}
            <dt>Members</dt>
            <dd>{ev.memberCount}</dd>
          </dl>
        </>
      )}
    </section>
  );
}

function EditEvent({
  eventId,
  initial,
  onDone,
}: {
  eventId: string;
  initial: EventFormValues;
  onDone: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useUpdateEvent(eventId);
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = PatchEventBody.safeParse(eventBodyFrom(values));
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    save.mutate(parsed.data, {
      onSuccess: onDone,
      onError: (err) => {
        const r = formErrorsOf(err);
        setErrors(r.fields);
        setFormError(r.form);
      },
    });
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Edit event">
      <FormError>{formError}</FormError>
      <EventForm values={values} onChange={setValues} errors={errors} />
      <div className="row end">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}
