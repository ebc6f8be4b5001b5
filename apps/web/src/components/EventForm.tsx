/** The fields of an event (create and edit share them). Times are local in the inputs, ISO on the wire. */
import type { Event } from "@won/protocol";
import { Field } from "./ui";

export interface EventFormValues {
  name: string;
  description: string;
  /** datetime-local input values ("2026-05-01T09:00"), "" for none. */
  startsAt: string;
  endsAt: string;
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : null);
const toLocal = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export function eventBodyFrom(v: EventFormValues) {
  return { name: v.name, description: v.description, startsAt: toIso(v.startsAt), endsAt: toIso(v.endsAt) };
}

export function formValuesOf(ev: Event): EventFormValues {
  return {
    name: ev.name,
    description: ev.description,
    startsAt: toLocal(ev.startsAt),
    endsAt: toLocal(ev.endsAt),
  };
}

export function EventForm({
  values,
  onChange,
  errors,
}: {
  values: EventFormValues;
  onChange: (v: EventFormValues) => void;
  errors: Record<string, string>;
}) {
  const set = (k: keyof EventFormValues) => (e: { target: { value: string } }) =>
    onChange({ ...values, [k]: e.target.value });
  return (
    <>
      <Field
        label="Name"
        name="eventName"
        value={values.name}
        onChange={set("name")}
        error={errors.name}
        required
        placeholder="Summer Festival 2026"
      />
      <div className="field">
        <label htmlFor="event-desc">Description</label>
        <textarea
          id="event-desc"
          name="eventDescription"
          value={values.description}
          onChange={set("description")}
          aria-invalid={errors.description ? true : undefined}
        />
        {errors.description && <span className="error">{errors.description}</span>}
      </div>
      <div className="row top">
        <div className="field-col">
          <Field
            label="Starts"
            name="startsAt"
            type="datetime-local"
            value={values.startsAt}
            onChange={set("startsAt")}
            error={errors.startsAt}
          />
        </div>
        <div className="field-col">
          <Field
            label="Ends"
            name="endsAt"
            type="datetime-local"
            value={values.endsAt}
            onChange={set("endsAt")}
            error={errors.endsAt}
          />
        </div>
      </div>
    </>
  );
}
