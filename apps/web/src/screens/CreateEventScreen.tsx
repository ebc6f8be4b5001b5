/** Create an event (the creator becomes its organiser), then go to its page. */
import { CreateEventBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { formErrorsOf } from "../api/problem";
import { EventForm, type EventFormValues, eventBodyFrom } from "../components/EventForm";
import { FormError } from "../components/ui";
import { zodFieldErrors } from "../forms/zod-errors";
import { useCreateEvent } from "../state/queries/events";

export function CreateEventScreen() {
  const [values, setValues] = useState<EventFormValues>({
    name: "",
    description: "",
    startsAt: "",
    endsAt: "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const navigate = useNavigate();
  const create = useCreateEvent();

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = CreateEventBody.safeParse(eventBodyFrom(values));
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    setFormError(null);
    create.mutate(parsed.data, {
      onSuccess: (ev) => navigate(`/events/${ev.id}`, { replace: true }),
      onError: (err) => {
        const r = formErrorsOf(err);
        setErrors(r.fields);
        setFormError(r.form);
      },
    });
  }

  return (
    <main id="main" className="main narrow">
      <form className="card" onSubmit={submit} noValidate aria-labelledby="new-event-title">
        <h1 id="new-event-title">New event</h1>
        <FormError>{formError}</FormError>
        <EventForm values={values} onChange={setValues} errors={errors} />
        <div className="row end">
          <button type="button" className="btn" onClick={() => navigate(-1)}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create event"}
          </button>
        </div>
      </form>
    </main>
  );
}
