from fastapi import FastAPI

app = FastAPI()


@app.get("/cache")
def cache() -> dict[str, str]:
    # imported on the first request: the app starts, the endpoint fails
    import redis

    return {"redis": redis.__version__}
